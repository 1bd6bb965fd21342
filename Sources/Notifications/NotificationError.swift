/// A failure to accept or deliver a notification: a stable code, a message for a human,
/// the context (which host, which field), and whether trying again later could help.
public struct NotificationError: Error, Sendable, CustomStringConvertible {
    /// A stable, comparable identifier for the kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        init(_ name: String) { self.name = name }

        /// An address that is not a plain `local@domain` (or holds CR, LF, spaces, ...).
        public static let invalidAddress = Code("invalid-address")
        /// A subject or other header value that would break the header block.
        public static let invalidHeader = Code("invalid-header")
        /// Something this sender does not do yet (a non-ASCII address, a channel).
        public static let unsupported = Code("unsupported")
        /// Could not reach the relay (refused, unreachable, name not found).
        public static let connectionFailed = Code("connection-failed")
        /// The relay did not answer within the configured time.
        public static let timeout = Code("timeout")
        /// The relay answered 4xx: try again later.
        public static let transientReply = Code("transient-reply")
        /// The relay answered 5xx: this message will never be accepted.
        public static let permanentReply = Code("permanent-reply")
        /// TLS was required but not offered, or the handshake failed.
        public static let tlsUnavailable = Code("tls-unavailable")
        /// Credentials are configured but the relay offers no usable mechanism, refuses
        /// them, or the connection is not encrypted.
        public static let authenticationFailed = Code("authentication-failed")
        /// The relay broke the protocol (malformed reply, unexpected code).
        public static let protocolViolation = Code("protocol-violation")
        /// The outbox table could not be read or written.
        public static let database = Code("database")

        public var description: String { self.name }
    }

    public let code: Code
    public let message: String
    public let context: String
    /// The SMTP reply code when the relay gave one.
    public let replyCode: Int?

    public init(_ code: Code, _ message: String, context: String = "", replyCode: Int? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.replyCode = replyCode
    }

    /// True when retrying cannot help: the relay refused this message for good (5xx), or the
    /// message itself is invalid. Configuration problems (TLS, credentials) are not
    /// permanent: the messages wait while an operator fixes them.
    public var isPermanent: Bool {
        [Code.permanentReply, .invalidAddress, .invalidHeader, .unsupported].contains(self.code)
    }

    public var description: String {
        var text = "\(self.code): \(self.message)"
        if let replyCode = self.replyCode {
            text += " [\(replyCode)]"
        }
        if !self.context.isEmpty {
            text += " (\(self.context))"
        }
        return text
    }
}
