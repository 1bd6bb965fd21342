/// How a TLS endpoint authenticates and what it accepts. One type for both roles, so that
/// a server (the log-shipping receiver) and client certificates (mutual TLS) use the same
/// shape as the SMTP client's verification of its relay.
public struct TLSConfiguration: Sendable {
    /// Which side of the handshake this endpoint takes.
    public enum Role: Sendable {
        case client
        case server
    }

    /// The certificate authorities to verify the peer against.
    public enum Trust: Sendable {
        /// The operating system's store (`/etc/ssl/certs` on Debian).
        case system
        /// A PEM file of one or more CA certificates, trusted instead of the system store.
        case caFile(String)
    }

    /// The lowest protocol version accepted.
    public enum Version: Sendable {
        case tls12
        case tls13

        var openSSLValue: Int32 {
            switch self {
            case .tls12: 0x0303
            case .tls13: 0x0304
            }
        }
    }

    public var role: Role
    /// For a client, who may sign the server's certificate (nil only with
    /// `verifiesPeer == false`). For a server, who may sign client certificates; setting it
    /// requires every client to present one (mutual TLS).
    public var trust: Trust?
    /// A PEM certificate chain presented to the peer: required for a server, optional for a
    /// client (mutual TLS).
    public var certificateChainFile: String?
    /// The PEM private key of `certificateChainFile`.
    public var privateKeyFile: String?
    public var minimumVersion: Version
    /// False only in tests of refusal paths; a client should always verify.
    public var verifiesPeer: Bool

    /// A client that verifies its server against `trust`, TLS 1.2 or later.
    public static func client(trust: Trust = .system) -> TLSConfiguration {
        TLSConfiguration(
            role: .client, trust: trust, certificateChainFile: nil, privateKeyFile: nil,
            minimumVersion: .tls12, verifiesPeer: true)
    }

    /// A server presenting `certificateChainFile`; with `clientTrust`, clients must present a
    /// certificate signed by it.
    public static func server(
        certificateChainFile: String, privateKeyFile: String, clientTrust: Trust? = nil
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .server, trust: clientTrust, certificateChainFile: certificateChainFile,
            privateKeyFile: privateKeyFile, minimumVersion: .tls12, verifiesPeer: clientTrust != nil
        )
    }

    public init(
        role: Role, trust: Trust?, certificateChainFile: String?, privateKeyFile: String?,
        minimumVersion: Version, verifiesPeer: Bool
    ) {
        self.role = role
        self.trust = trust
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.minimumVersion = minimumVersion
        self.verifiesPeer = verifiesPeer
    }
}
