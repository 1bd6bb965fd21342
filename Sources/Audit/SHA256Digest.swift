import Security

/// SHA-256 for re-deriving chain hashes independently of the database's own `sha256()`.
enum SHA256Digest {
    /// The 32-byte digest of `bytes`, or nil if OpenSSL reports a failure.
    static func hash(_ bytes: [UInt8]) -> [UInt8]? {
        try? SHA256.hash(bytes)
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex, for reports.
    var hex: String { Hex.encode(self) }
}
