/// Bearer tokens for sessions (and other secrets handed to a browser): 256 random bits as
/// Base64url text, stored server-side only as their SHA-256 digest so that a leaked table
/// does not yield usable tokens.
public enum SessionToken {
    /// The number of random bytes in a token.
    public static let byteCount = 32

    /// The length of a token's text (43 Base64url characters, no padding).
    public static let textLength = 43

    /// A new random token: 43 characters of `A–Z a–z 0–9 - _`.
    public static func generate() throws(SecurityError) -> String {
        Base64.encode(try SecureRandom.bytes(Self.byteCount), alphabet: .url)
    }

    /// The digest to store and look a token up by: SHA-256 of its text (32 bytes).
    ///
    /// A 256-bit random token needs no salt or slow hash: guessing a preimage is as hard as
    /// guessing the token.
    public static func storageDigest(of token: String) throws(SecurityError) -> [UInt8] {
        try SHA256.hash(token)
    }

    /// True when `token` has the shape of a token this type issues, checked before any
    /// database look-up so that junk is refused cheaply.
    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == Self.textLength
            && Base64.decode(token, alphabet: .url)?.count == Self.byteCount
    }
}
