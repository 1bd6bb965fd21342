import Foundation

/// Where a request came from, for throttling, the audit trail and links in e-mails.
public struct RequestOrigin: Sendable {
    /// The request's id, as logged and echoed in `X-Request-ID`.
    public var requestID: String
    /// The client's IP address (IPv4 or IPv6 text, no port).
    public var address: String
    /// The browser's `User-Agent`, cut to 512 characters.
    public var userAgent: String?
    /// The portal's base URL (`https://alliance.portal.example`), for links in e-mails.
    public var portalURL: String

    public init(requestID: String, address: String, userAgent: String? = nil, portalURL: String) {
        self.requestID = requestID
        self.address = address
        self.userAgent = userAgent.map { String($0.prefix(512)) }
        self.portalURL = portalURL
    }

    /// The request id as the audit trail takes it (1 to 100 characters), or nil.
    var auditRequestID: String? {
        self.requestID.isEmpty ? nil : String(self.requestID.prefix(100))
    }
}
