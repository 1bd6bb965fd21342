import Security

/// The client side of one SMTP transaction as a value type: a reply goes in, the next
/// action comes out. No sockets and no clocks, so every path is testable on its own; the
/// `SMTPClient` shell performs the actions.
struct SMTPConversation {
    /// What the shell should do next.
    enum Action: Equatable {
        /// Send this command line (CRLF is added by the shell).
        case send(String)
        /// Send this command line, which carries credentials: never logged.
        case sendSecret(String)
        /// Send the dot-stuffed message and its terminator.
        case sendMessage
        /// Run the TLS handshake, then call `tlsEstablished()`.
        case startTLS
        /// The relay accepted the message; QUIT and close.
        case delivered
        /// Stop: QUIT if the connection still works, close, and report this.
        case fail(NotificationError)

        static func == (lhs: Action, rhs: Action) -> Bool {
            switch (lhs, rhs) {
            case (.send(let a), .send(let b)), (.sendSecret(let a), .sendSecret(let b)): a == b
            case (.sendMessage, .sendMessage), (.startTLS, .startTLS), (.delivered, .delivered):
                true
            case (.fail(let a), .fail(let b)): a.code == b.code && a.replyCode == b.replyCode
            default: false
            }
        }
    }

    enum State {
        case greeting
        case ehlo
        case helo
        case startTLS
        case handshaking
        case ehloSecured
        case authPlain
        case authLogin
        case authLoginUsername
        case authLoginPassword
        case mailFrom
        case rcptTo
        case data
        case message
        case finished
    }

    let security: SMTPConfiguration.Security
    let credentials: SMTPConfiguration.Credentials?
    let allowsPlaintextAuthentication: Bool
    let heloName: String
    let sender: EmailAddress
    let recipient: EmailAddress
    let host: String

    var state: State = .greeting
    var isEncrypted: Bool
    var extensions: Set<String> = []
    var authMechanisms: Set<String> = []

    init(configuration: SMTPConfiguration, sender: EmailAddress, recipient: EmailAddress) {
        self.security = configuration.security
        self.credentials = configuration.credentials
        self.allowsPlaintextAuthentication = configuration.allowsPlaintextAuthentication
        self.heloName = configuration.heloName
        self.sender = sender
        self.recipient = recipient
        self.host = configuration.host
        self.isEncrypted = configuration.security == .implicitTLS
    }
}
