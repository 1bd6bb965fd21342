/// A request as read off the wire, before the server adds what it knows (id, peer).
public struct ParsedRequest: Sendable {
    public var head: RequestHead
    public var body: [UInt8]
}

/// The request line and header section, with the decisions the framing rules made.
public struct RequestHead: Sendable {
    public var method: HTTPMethod
    public var path: String
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Whether the connection may carry another request after this one.
    public var keepAlive: Bool
}

/// Collects a head line by line, noting the fields that decide framing as they pass.
struct HeadBuilder {
    var method = HTTPMethod.get
    var path = "/"
    var query: String?
    var version = HTTPVersion.http1_1
    var fields: [HTTPHeaders.Field] = []

    var contentLength: Int?
    var contentLengthTooLarge = false
    var transferEncodings = 0
    var chunked = false
    var hosts = 0
    var expectsContinue = false
    var otherExpectation = false
    var connectionClose = false
    var connectionKeepAlive = false

    func build() -> RequestHead {
        let keepAlive: Bool
        if self.version == .http1_0 {
            keepAlive = self.connectionKeepAlive && !self.connectionClose
        } else {
            keepAlive = !self.connectionClose
        }
        return RequestHead(
            method: self.method, path: self.path, query: self.query, version: self.version,
            headers: HTTPHeaders(self.fields), keepAlive: keepAlive
        )
    }
}
