/// What a new password must satisfy before it is hashed: long enough in characters (not
/// bytes, so accented and non-Latin passwords count fairly), bounded in bytes (so hashing
/// cost and storage stay bounded), not blank, and free of control characters.
public struct PasswordPolicy: Sendable {
    public var minimumCharacters: Int
    public var maximumBytes: Int

    /// At least 12 characters, at most 1024 UTF-8 bytes.
    public static let standard = PasswordPolicy(minimumCharacters: 12, maximumBytes: 1024)

    public init(minimumCharacters: Int, maximumBytes: Int) {
        self.minimumCharacters = minimumCharacters
        self.maximumBytes = maximumBytes
    }

    /// Throws the first rule `password` breaks, with a code a client can show a message for.
    public func validate(_ password: String) throws(SecurityError) {
        guard password.utf8.count <= self.maximumBytes else {
            throw SecurityError(
                .passwordTooLong, "a password may have at most \(self.maximumBytes) bytes",
                context: "password")
        }
        guard
            !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw SecurityError(
                .passwordControlCharacter, "a password may not contain control characters",
                context: "password")
        }
        guard password.count >= self.minimumCharacters else {
            throw SecurityError(
                .passwordTooShort, "a password needs at least \(self.minimumCharacters) characters",
                context: "password")
        }
        guard !password.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) else {
            throw SecurityError(
                .passwordBlank, "a password may not be only whitespace", context: "password")
        }
    }
}
