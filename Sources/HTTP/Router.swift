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
/// The matched pattern is put on the request (``HTTPRequest/route``) and on the response
/// (``HTTPResponse/route``), where the server reads it to label metrics and log lines.
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
        var literals: [(bytes: [UInt8], node: Int)] = []
        var parameter: (name: String, node: Int)?
        var wildcard: (name: String, node: Int)?
        /// A handful at most, so a short scan beats hashing the method.
        var routes: [(method: HTTPMethod, route: Route)] = []
        /// The pattern every route here was added with (parameter names cannot differ).
        var pattern: String?
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
        guard !self.nodes[current].routes.contains(where: { $0.method == method }) else {
            throw RouterError(
                code: .duplicateRoute, message: "\(method) is already routed here", pattern: pattern
            )
        }

        self.nodes[current].routes.append((method, Route(pattern: pattern, responder: responder)))
        self.nodes[current].pattern = pattern
        self.nodes[current].allowed = Self.allowedMethods(self.nodes[current].routes.map(\.method))
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
        guard let route = node.route(for: request.method) else {
            var response = Self.unrouted(request.method, node: node)
            response.route = node.pattern
            return response
        }

        var request = request
        request.route = route.pattern
        for (name, value) in match.parameters {
            request.pathParameters[name] = value
        }
        var response = await route.responder.respond(to: request)
        if response.route == nil {
            response.route = route.pattern
        }
        return response
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
            let bytes = Array(text.utf8)
            if let existing = self.nodes[parent].literals.first(where: { $0.bytes == bytes }) {
                return existing.node
            }
            self.nodes.append(Node())
            self.nodes[parent].literals.append((bytes, self.nodes.count - 1))
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

extension Router.Node {
    /// The route for `method`; HEAD falls back to GET.
    func route(for method: HTTPMethod) -> Router.Route? {
        for entry in self.routes where entry.method.rawValue == method.rawValue {
            return entry.route
        }
        guard method.rawValue == HTTPMethod.head.rawValue else { return nil }
        return self.routes.first { $0.method.rawValue == HTTPMethod.get.rawValue }?.route
    }
}
