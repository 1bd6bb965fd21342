import COpenSSL

/// SHA-256 through OpenSSL's EVP interface, for re-deriving chain hashes independently of
/// the database's own `sha256()`.
///
/// Known shortcoming: this duplicates the digest helper that the Security module is to own;
/// move to it once it lands.
enum SHA256Digest {
    /// The 32-byte digest of `bytes`, or nil if OpenSSL reports a failure.
    static func hash(_ bytes: [UInt8]) -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
        }
        guard ok == 1, length == 32 else { return nil }
        return Array(digest.prefix(32))
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex, for reports.
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(self.count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
