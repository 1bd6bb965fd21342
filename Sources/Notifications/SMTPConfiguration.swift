import Security

/// Where and how to hand mail to the relay.
public struct SMTPConfiguration: Sendable {
    /// How the connection is protected.
    public enum Security: Sendable, Equatable {
        /// TLS from the first byte (port 465).
        case implicitTLS
        /// STARTTLS must be offered and succeed, otherwise nothing is sent.
        case startTLSRequired
        /// STARTTLS when the relay offers it, plaintext otherwise.
        case startTLSOpportunistic
        /// Never TLS (a relay on the same host or a test).
        case plaintext
    }

    /// Login credentials for AUTH PLAIN or LOGIN.
    public struct Credentials: Sendable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// The context used to verify the relay; the system trust store when nil.
    public var tls: TLSContext?
    public var credentials: Credentials?
    /// Sending credentials without TLS is refused unless this is set.
    public var allowsPlaintextAuthentication: Bool
    /// The name this client gives in EHLO/HELO.
    public var heloName: String
    public var connectTimeout: Duration
    /// The longest wait for any one reply (RFC 5321 suggests minutes; a sign-in code cannot
    /// wait that long).
    public var replyTimeout: Duration

    public init(
        host: String, port: Int, security: Security = .startTLSRequired, tls: TLSContext? = nil,
        credentials: Credentials? = nil, allowsPlaintextAuthentication: Bool = false,
        heloName: String,
        connectTimeout: Duration = .seconds(10), replyTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.tls = tls
        self.credentials = credentials
        self.allowsPlaintextAuthentication = allowsPlaintextAuthentication
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
    }
}
