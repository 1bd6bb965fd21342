import Telemetry

/// The protocol version on a request or status line.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(self.major).\(self.minor)" }
}

/// A complete request as the server hands it to a responder: the head, the whole body
/// (bodies are bounded by the server's body limit) and what the server learned about it.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The target's path, still percent-encoded, always starting with `/` (or `*`).
    public var path: String
    /// What followed `?` in the target, without the `?`; nil when there was no `?`.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The request's id: the client's `X-Request-ID` when well-formed, else generated.
    /// It is echoed in the response and carried in every log line about the request.
    public var id: String
    /// The peer's address as `host:port` (`[host]:port` for IPv6).
    public var remoteAddress: String
    /// Values of the route's `:name` segments, filled by the router.
    public var pathParameters: [String: String]
    /// The pattern of the route that matched (`/referrals/:id`), filled by the router, so
    /// that metrics and logs group requests by route rather than by raw path.
    public var route: String?
    /// The server's logger; `logger` adds this request's id to it.
    var baseLogger: Logger?

    /// A logger whose every line carries `request.id`, for handlers to log with.
    public var logger: Logger {
        let base = self.baseLogger ?? Logger(label: "http")
        return base.with("request.id", .string(self.id))
    }

    public init(
        method: HTTPMethod,
        path: String,
        query: String? = nil,
        version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        id: String = "",
        remoteAddress: String = "",
        pathParameters: [String: String] = [:],
        route: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.id = id
        self.remoteAddress = remoteAddress
        self.pathParameters = pathParameters
        self.route = route
    }
}
