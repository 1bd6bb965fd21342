import Security

/// The secrets of signing in, made and digested with the Security module: 256-bit tokens
/// (challenges, sessions, links, API tokens) stored as SHA-256 digests, 6-digit codes
/// stored as HMAC-SHA256 keyed with their challenge's token (which only the browser holds,
/// so a leaked table cannot be searched for the code), and constant-time comparison.
enum Secrets {
    /// A new random 256-bit token as 43 Base64url characters.
    static func token() throws(AccountsError) -> String {
        try Self.run { () throws(SecurityError) in try SessionToken.generate() }
    }

    /// A new 6-digit one-time code, every value equally likely.
    static func code() throws(AccountsError) -> String {
        try Self.run { () throws(SecurityError) in try OneTimeCode.generate(digits: 6) }
    }

    /// The digest a token is stored and looked up by.
    static func digest(_ token: String) throws(AccountsError) -> [UInt8] {
        try Self.run { () throws(SecurityError) in try SessionToken.storageDigest(of: token) }
    }

    /// The digest a code is stored by, keyed with the challenge's token.
    static func codeDigest(_ code: String, challenge: String) throws(AccountsError) -> [UInt8] {
        try Self.run { () throws(SecurityError) in
            try OneTimeCode.storageDigest(of: code, key: Array(challenge.utf8))
        }
    }

    /// The CSRF token of a session: a keyed digest of a fixed label under the session's
    /// token, as Base64url.
    static func csrfToken(forSession token: String) throws(AccountsError) -> String {
        let mac = try Self.run { () throws(SecurityError) in
            try HMACSHA256.authenticate(Array("portal csrf v1".utf8), key: Array(token.utf8))
        }
        return Base64.encode(mac, alphabet: .url)
    }

    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        ConstantTime.equals(lhs, rhs)
    }

    /// Whether `token` has the shape of the tokens `token()` makes.
    static func isWellFormedToken(_ token: String) -> Bool {
        SessionToken.isWellFormed(token)
    }

    private static func run<Value>(
        _ body: () throws(SecurityError) -> Value
    ) throws(AccountsError) -> Value {
        do {
            return try body()
        } catch {
            throw AccountsError.unavailable(error)
        }
    }
}
