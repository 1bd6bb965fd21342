import COpenSSL

/// SHA-256 through OpenSSL's EVP interface: the one implementation the project uses, for
/// migration checksums and for storing tokens by their digest.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) throws(SecurityError) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        func digestOf(_ raw: UnsafeRawBufferPointer) -> Int32 {
            EVP_Digest(raw.baseAddress, raw.count, &digest, &length, EVP_sha256(), nil)
        }
        // Contiguous input (an array of a whole WAL segment) is hashed in place, not copied.
        let ok =
            bytes.withContiguousStorageIfAvailable { digestOf(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes(digestOf)
        guard ok == 1, length == 32 else {
            throw SecurityError(.cryptoFailure, "SHA-256 failed", context: OpenSSLErrors.drain())
        }
        return Array(digest.prefix(32))
    }

    /// The digest of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) throws(SecurityError) -> [UInt8] {
        try self.hash(Array(text.utf8))
    }

    /// The lower-case hex digest of `bytes` (64 characters).
    public static func hex(_ bytes: some Collection<UInt8>) throws(SecurityError) -> String {
        Hex.encode(try self.hash(bytes))
    }
}
