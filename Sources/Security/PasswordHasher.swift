import Foundation

/// Hashes and verifies sign-in passwords with scrypt.
///
/// Passwords are normalised to Unicode NFC before hashing, so the same password typed on
/// keyboards that compose accents differently verifies. Verification compares in constant
/// time, and `verifyUnknownUser` spends the same effort when no account matches, so a
/// response time does not tell whether an e-mail address has an account.
public struct PasswordHasher: Sendable {
    /// The parameters for new hashes; stored hashes with others verify and ask for a rehash.
    public var parameters: ScryptParameters
    /// The rules a new password must satisfy.
    public var policy: PasswordPolicy

    public init(parameters: ScryptParameters = .interactive, policy: PasswordPolicy = .standard) {
        self.parameters = parameters
        self.policy = policy
    }

    /// Checks `password` against the policy and returns the string to store.
    public func hash(_ password: String) throws(SecurityError) -> String {
        try self.policy.validate(password)
        try self.parameters.validate()

        let salt = try SecureRandom.bytes(self.parameters.saltLength)
        let key = try Self.derive(password, salt: salt, parameters: self.parameters)
        return PasswordHash(parameters: self.parameters, salt: salt, key: key).encoded
    }

    /// True when `password` matches `stored`. A malformed stored string throws
    /// `malformedHash`; a password longer than the policy allows is simply wrong.
    public func verify(_ password: String, against stored: String) throws(SecurityError) -> Bool {
        let hash = try PasswordHash(parsing: stored)
        guard password.utf8.count <= self.policy.maximumBytes else { return false }

        let key = try Self.derive(password, salt: hash.salt, parameters: hash.parameters)
        return ConstantTime.equals(key, hash.key)
    }

    /// Does the work of `verify` against a hash with the current parameters, and returns
    /// false: call it when the account does not exist, so that such a sign-in takes as long
    /// as one with a wrong password.
    public func verifyUnknownUser(_ password: String) throws(SecurityError) -> Bool {
        guard password.utf8.count <= self.policy.maximumBytes else { return false }

        let salt = [UInt8](repeating: 0x5a, count: self.parameters.saltLength)
        let key = try Self.derive(password, salt: salt, parameters: self.parameters)
        let impossible = [UInt8](repeating: 0, count: self.parameters.keyLength)
        _ = ConstantTime.equals(key, impossible)
        return false
    }

    /// True when `stored` was made with parameters other than the current ones (or cannot
    /// be read): after a successful sign-in, hash the password again and store the result.
    public func needsRehash(_ stored: String) -> Bool {
        guard let hash = try? PasswordHash(parsing: stored) else { return true }
        return hash.parameters != self.parameters
    }

    static func derive(
        _ password: String, salt: [UInt8], parameters: ScryptParameters
    ) throws(SecurityError) -> [UInt8] {
        let normalised = password.precomposedStringWithCanonicalMapping
        return try Scrypt.derive(
            password: Array(normalised.utf8), salt: salt, logN: parameters.logN,
            blockSize: parameters.blockSize, parallelism: parameters.parallelism,
            length: parameters.keyLength)
    }
}
