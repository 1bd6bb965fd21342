import Postgres

/// Why recording or verifying the audit trail failed: a stable code, a message for a human,
/// the entry field concerned, and the database's error when it refused something.
public struct AuditError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Opaque so that kinds can be added; compare with the statics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// The entry is malformed (action, record, details); `field` says which part.
        public static let invalidEntry = Code("invalid-entry")
        /// The actor or the user acted for is not a user of the transaction's tenant.
        public static let unknownUser = Code("unknown-user")
        /// The database refused or failed the statement.
        public static let database = Code("database")
        /// SHA-256 could not be computed (OpenSSL reported a failure).
        public static let digest = Code("digest")

        public var description: String { self.name }
    }

    public let code: Code
    public let message: String
    /// The entry field at fault, for `invalidEntry`.
    public let field: String?
    public let underlying: PostgresError?

    public init(
        _ code: Code, _ message: String, field: String? = nil, underlying: PostgresError? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.underlying = underlying
    }

    public var description: String {
        var text = "AuditError.\(self.code): \(self.message)"
        if let field = self.field { text += "; field: \(field)" }
        if let underlying = self.underlying { text += "; \(underlying)" }
        return text
    }
}
