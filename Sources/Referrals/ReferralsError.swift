/// Why a referral operation was refused: a stable code, a message that can be shown to the
/// referrer, and the fields at fault (each named by an RFC 6901 JSON pointer into the body).
public struct ReferralsError: Error, Sendable, CustomStringConvertible {
    /// The kind of refusal. Opaque so that kinds can be added; compare with the statics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// Fields are missing or wrong; `fields` names each.
        public static let invalidFields = Code("invalid-fields")
        /// The answers are valid but make the referral unsafe to accept as it stands;
        /// `fields` names each answer and the reason.
        public static let stopped = Code("stopped")
        /// The caller may not do this (no referrer or delegate role, not a delegate of the
        /// referrer named).
        public static let forbidden = Code("forbidden")
        /// No such referral visible to the caller in this tenant.
        public static let notFound = Code("not-found")
        /// The idempotency key was used before with a different request body.
        public static let keyReused = Code("key-reused")
        /// The idempotency key is missing or malformed.
        public static let badKey = Code("bad-key")
        /// A query parameter is wrong; `fields` names each by its parameter name.
        public static let badQuery = Code("bad-query")
        /// The database or another dependency failed; never the caller's doing.
        public static let unavailable = Code("unavailable")

        public var description: String { self.name }
    }

    /// One field at fault.
    public struct Field: Sendable, Equatable, CustomStringConvertible {
        public let pointer: String
        public let message: String

        public init(_ pointer: String, _ message: String) {
            self.pointer = pointer
            self.message = message
        }

        public var description: String { "\(self.pointer): \(self.message)" }
    }

    public let code: Code
    public let message: String
    public var fields: [Field] = []
    /// What failed underneath, for `unavailable` (logged, never shown).
    public var underlying: String?

    public init(_ code: Code, _ message: String, fields: [Field] = []) {
        self.code = code
        self.message = message
        self.fields = fields
    }

    public var description: String {
        var text = "ReferralsError.\(self.code): \(self.message)"
        if !self.fields.isEmpty {
            text += "; fields: " + self.fields.map(\.description).joined(separator: "; ")
        }
        if let underlying = self.underlying { text += "; \(underlying)" }
        return text
    }

    static func invalid(_ fields: [Field]) -> ReferralsError {
        ReferralsError(
            .invalidFields, fields.count == 1 ? "A field is not valid." : "Fields are not valid.",
            fields: fields)
    }

    static func stopped(_ fields: [Field]) -> ReferralsError {
        ReferralsError(
            .stopped,
            "The safety answers stop this referral; it cannot be accepted as it stands.",
            fields: fields)
    }

    static func unavailable(_ underlying: any Error) -> ReferralsError {
        var error = ReferralsError(.unavailable, "The service could not complete the request.")
        error.underlying = "\(underlying)"
        return error
    }

    static let notFound = ReferralsError(.notFound, "No referral has this id.")
}
