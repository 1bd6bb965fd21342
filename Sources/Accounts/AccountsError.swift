/// Why an account operation was refused: a stable code, a message that can be shown to the
/// person concerned, and the context (the fields at fault, the wait before retrying).
public struct AccountsError: Error, Sendable, CustomStringConvertible {
    /// The kind of refusal. Opaque so that kinds can be added; compare with the statics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// Fields of a request are missing or wrong; `fields` names each.
        public static let invalidFields = Code("invalid-fields")
        /// The e-mail address and password do not match an active account (either way).
        public static let invalidCredentials = Code("invalid-credentials")
        /// Too many failures: the account or the address is locked for `retryAfter` seconds.
        public static let locked = Code("locked")
        /// The code was wrong; the challenge may take `remainingAttempts` more.
        public static let incorrectCode = Code("incorrect-code")
        /// The challenge is unknown, expired, used or out of tries: sign in again.
        public static let challengeEnded = Code("challenge-ended")
        /// The set-password link is unknown, expired or already used.
        public static let linkEnded = Code("link-ended")
        /// The record does not exist in this tenant.
        public static let notFound = Code("not-found")
        /// The record's state does not allow the change (already decided, name taken).
        public static let conflict = Code("conflict")
        /// The database or another dependency failed; a bug or an outage, never the caller's.
        public static let unavailable = Code("unavailable")

        public var description: String { self.name }
    }

    /// One field at fault, located by an RFC 6901 JSON pointer into the request body.
    public struct Field: Sendable, Equatable {
        public let pointer: String
        public let message: String

        public init(_ pointer: String, _ message: String) {
            self.pointer = pointer
            self.message = message
        }
    }

    public let code: Code
    public let message: String
    public var fields: [Field] = []
    /// Seconds to wait, for `locked`.
    public var retryAfter: Int?
    /// Tries left, for `incorrectCode`.
    public var remainingAttempts: Int?
    /// What failed underneath, for `unavailable` (logged, never shown).
    public var underlying: String?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        var text = "AccountsError.\(self.code): \(self.message)"
        if !self.fields.isEmpty {
            text += "; fields: " + self.fields.map(\.pointer).joined(separator: ", ")
        }
        if let underlying = self.underlying { text += "; \(underlying)" }
        return text
    }

    static func invalid(_ fields: [Field]) -> AccountsError {
        var error = AccountsError(
            .invalidFields, fields.count == 1 ? "A field is not valid." : "Fields are not valid.")
        error.fields = fields
        return error
    }

    static func unavailable(_ underlying: any Error) -> AccountsError {
        var error = AccountsError(.unavailable, "The service could not complete the request.")
        error.underlying = "\(underlying)"
        return error
    }

    static let invalidCredentials = AccountsError(
        .invalidCredentials, "The e-mail address or the password is not correct.")

    static let challengeEnded = AccountsError(
        .challengeEnded, "This sign-in code has expired or was already used; sign in again.")

    static let linkEnded = AccountsError(
        .linkEnded, "This link has expired or was already used; ask for a new one.")

    static func notFound(_ what: String) -> AccountsError {
        AccountsError(.notFound, "No \(what) has this id.")
    }
}
