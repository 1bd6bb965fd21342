import Postgres

/// Why a tenant-scoped transaction could not be set up: a stable code, a message for a
/// human, the tenant concerned, and the database error behind it when there is one.
public struct TenancyError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Opaque so that kinds can be added; compare with the statics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// A tenant id was not a UUID.
        public static let invalidTenantID = Code("invalid-tenant-id")
        /// No tenant has the slug asked for.
        public static let unknownTenant = Code("unknown-tenant")
        /// The slug is not a possible tenant slug (checked before asking the database).
        public static let invalidSlug = Code("invalid-slug")
        /// The server did not take the tenant setting, so nothing may run.
        public static let scopeNotSet = Code("scope-not-set")
        /// Beginning, scoping or ending the transaction failed in the database.
        public static let database = Code("database")

        public var description: String { self.name }
    }

    public let code: Code
    public let message: String
    /// The tenant the transaction was for, when known.
    public let tenant: TenantID?
    /// The database's error, when the database refused something.
    public let underlying: PostgresError?

    public init(
        _ code: Code, _ message: String, tenant: TenantID? = nil, underlying: PostgresError? = nil
    ) {
        self.code = code
        self.message = message
        self.tenant = tenant
        self.underlying = underlying
    }

    public var description: String {
        var text = "TenancyError.\(self.code): \(self.message)"
        if let tenant = self.tenant { text += "; tenant: \(tenant)" }
        if let underlying = self.underlying { text += "; \(underlying)" }
        return text
    }
}
