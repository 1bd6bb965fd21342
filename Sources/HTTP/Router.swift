/// Sends each request to the responder registered for its method and path, by walking a
/// tree of path segments: no regular expressions, and no allocation for literal segments.
///
/// Patterns are `/`-separated segments: literals (`referrals`), parameters (`:id`, one
/// non-empty segment, percent-decoded into ``HTTPRequest/pathParameters``) and a final
/// wildcard (`*path`, the rest of the path, kept encoded so that a file server can check it
/// itself). Literals win over parameters and parameters over wildcards, with backtracking.
/// Literal segments are compared byte for byte with the request's still-encoded path, and
/// `/a/` is a different path from `/a`.
///
/// An unknown path is a 404 problem; a known path with another method a 405 listing the
/// methods in `Allow`. HEAD is answered by the GET route (the server drops the body and
/// keeps its length), and OPTIONS, unless routed, by 204 with `Allow`.
public struct Router: HTTPResponder {
    struct Route: Sendable {
        let pattern: String
        let responder: any HTTPResponder
    }

    struct Node: Sendable {
        var literals: [(segment: String, node: Int)] = []
        var parameter: (name: String, node: Int)?
        var wildcard: (name: String, node: Int)?
        var routes: [HTTPMethod: Route] = [:]
        /// The methods this path answers, kept up to date as routes are added.
        var allowed: [HTTPMethod] = []
    }

    /// Node 0 is the root, `/`.
    var nodes: [Node] = [Node()]

    public init() {}

    /// Routes `method` on paths matching `pattern` to `responder`.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, _ responder: any HTTPResponder
    ) throws(RouterError) {
        let parsed = try RouterPattern(pattern)

        var current = 0
        for segment in parsed.segments {
            current = try self.child(of: current, for: segment, pattern: pattern)
        }
        guard self.nodes[current].routes[method] == nil else {
            throw RouterError(
                code: .duplicateRoute, message: "\(method) is already routed here", pattern: pattern
            )
        }

        self.nodes[current].routes[method] = Route(pattern: pattern, responder: responder)
        self.nodes[current].allowed = Self.allowedMethods(self.nodes[current].routes.keys)
    }

    /// Routes `method` on paths matching `pattern` to a closure.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String,
        _ handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse
    ) throws(RouterError) {
        try self.add(method, pattern, ClosureResponder(handler))
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let match: RouterMatch
        switch self.match(path: request.path) {
        case .success(let found): match = found
        case .failure(let problem): return problem.response()
        }

        let node = self.nodes[match.node]
        let route =
            node.routes[request.method] ?? (request.method == .head ? node.routes[.get] : nil)
        guard let route else {
            return Self.unrouted(request.method, node: node)
        }

        var request = request
        request.route = route.pattern
        for (name, value) in match.parameters {
            request.pathParameters[name] = value
        }
        return await route.responder.respond(to: request)
    }

    /// The answer for a path that exists but has no route for `method`.
    private static func unrouted(_ method: HTTPMethod, node: Node) -> HTTPResponse {
        guard method == .options else {
            return Problem.methodNotAllowed(method, allowed: node.allowed).response()
        }
        let allow = node.allowed.map(\.rawValue).joined(separator: ", ")
        return HTTPResponse(status: .noContent, headers: ["Allow": allow])
    }

    /// The methods a path answers: its routes, HEAD where GET is, and OPTIONS, in a fixed
    /// order (the common methods first, others by name).
    static func allowedMethods(_ routed: some Sequence<HTTPMethod>) -> [HTTPMethod] {
        var methods = Set(routed)
        if methods.contains(.get) { methods.insert(.head) }
        methods.insert(.options)

        let order: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]
        let known = order.filter { methods.contains($0) }
        let others = methods.subtracting(order).sorted { $0.rawValue < $1.rawValue }
        return known + others
    }

    /// The node under `parent` for `segment`, created when missing.
    private mutating func child(
        of parent: Int, for segment: RouterPattern.Segment, pattern: String
    ) throws(RouterError) -> Int {
        switch segment {
        case .literal(let text):
            if let existing = self.nodes[parent].literals.first(where: { $0.segment == text }) {
                return existing.node
            }
            self.nodes.append(Node())
            self.nodes[parent].literals.append((text, self.nodes.count - 1))
            return self.nodes.count - 1

        case .parameter(let name):
            return try self.named(name, in: \.parameter, under: parent, pattern: pattern)

        case .wildcard(let name):
            return try self.named(name, in: \.wildcard, under: parent, pattern: pattern)
        }
    }

    private mutating func named(
        _ name: String, in slot: WritableKeyPath<Node, (name: String, node: Int)?>,
        under parent: Int,
        pattern: String
    ) throws(RouterError) -> Int {
        if let existing = self.nodes[parent][keyPath: slot] {
            guard existing.name == name else {
                throw RouterError(
                    code: .conflictingParameter,
                    message: "'\(name)' is already called '\(existing.name)' on another route",
                    pattern: pattern)
            }
            return existing.node
        }
        self.nodes.append(Node())
        self.nodes[parent][keyPath: slot] = (name, self.nodes.count - 1)
        return self.nodes.count - 1
    }
}
