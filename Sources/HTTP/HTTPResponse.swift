/// A response a responder returns: status, headers and the whole body.
///
/// The server adds `Content-Length`, `Date`, `Connection` and `X-Request-ID` itself;
/// a responder sets only what is particular to the response (`Content-Type`, `ETag`, ...).
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The pattern of the route that produced this response (`/referrals/:id`), set by the
    /// router. The server labels metrics and access-log lines with it, since the request it
    /// handed over is a value the router's changes do not reach. Nil counts as `unmatched`.
    public var route: String?

    public init(
        status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        route: String? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.route = route
    }

    /// A plain-text response in UTF-8.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: ["Content-Type": "text/plain; charset=utf-8"],
            body: Array(text.utf8)
        )
    }
}
