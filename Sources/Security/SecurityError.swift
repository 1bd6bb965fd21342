/// A failure in hashing, random generation, password policy or TLS: a stable code, a
/// message for a human, and the context it happened in (which field, which host).
public struct SecurityError: Error, Sendable, CustomStringConvertible {
    /// A stable, comparable identifier for the kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        init(_ name: String) { self.name = name }

        /// OpenSSL reported an internal failure (out of memory, provider missing).
        public static let cryptoFailure = Code("crypto-failure")
        /// The random generator could not produce bytes.
        public static let randomUnavailable = Code("random-unavailable")
        /// A stored password hash could not be parsed.
        public static let malformedHash = Code("malformed-hash")
        /// Scrypt parameters out of the accepted range.
        public static let invalidParameters = Code("invalid-parameters")
        /// A password has fewer characters than the policy's minimum.
        public static let passwordTooShort = Code("password-too-short")
        /// A password has more bytes than the policy's maximum.
        public static let passwordTooLong = Code("password-too-long")
        /// A password made of whitespace only.
        public static let passwordBlank = Code("password-blank")
        /// A password containing a control character (NUL, CR, LF, ...).
        public static let passwordControlCharacter = Code("password-control-character")
        /// A TLS context could not be built from its configuration (files, trust store).
        public static let tlsConfiguration = Code("tls-configuration")
        /// The TLS handshake failed, including certificate or host name verification.
        public static let tlsHandshake = Code("tls-handshake")
        /// Reading or writing on an established TLS session failed.
        public static let tlsIO = Code("tls-io")

        public var description: String { self.name }
    }

    public let code: Code
    public let message: String
    /// Where it happened: a field name, a host, a file.
    public let context: String

    public init(_ code: Code, _ message: String, context: String = "") {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        self.context.isEmpty
            ? "\(self.code): \(self.message)" : "\(self.code): \(self.message) (\(self.context))"
    }
}
