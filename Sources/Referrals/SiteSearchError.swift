import Postgres

/// Why nearest sites could not be found: a stable code, a message for a human and, for a
/// database failure, the database's error.
public struct SiteSearchError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Opaque so that kinds can be added; compare with the statics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// The text is not shaped like a UK postcode.
        public static let malformedPostcode = Code("malformed-postcode")
        /// A well-formed postcode the postcode table does not hold.
        public static let unknownPostcode = Code("unknown-postcode")
        /// The postcode is known but has no position (a PO box, a large user without one).
        public static let postcodeWithoutPosition = Code("postcode-without-position")
        /// No procedure of the tenant's catalogue has this id.
        public static let unknownProcedure = Code("unknown-procedure")
        /// The database refused or failed a statement.
        public static let database = Code("database")

        public var description: String { self.name }
    }

    public let code: Code
    public let message: String
    public let underlying: PostgresError?

    public init(_ code: Code, _ message: String, underlying: PostgresError? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        var text = "SiteSearchError.\(self.code): \(self.message)"
        if let underlying = self.underlying { text += "; \(underlying)" }
        return text
    }
}
