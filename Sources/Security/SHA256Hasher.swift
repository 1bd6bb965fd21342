import COpenSSL

/// SHA-256 fed in pieces: a file is hashed as it streams past (the WAL receiver inflates a
/// segment a slice at a time and hashes each slice while it is still in the cache), never
/// held whole for the digest's sake.
public final class SHA256Hasher {
    private let context: OpaquePointer

    /// A fresh digest.
    public init() throws(SecurityError) {
        OpenSSLErrors.clear()
        guard let context = EVP_MD_CTX_new() else {
            throw SecurityError(
                .cryptoFailure, "cannot create a SHA-256 context", context: OpenSSLErrors.drain())
        }
        self.context = context
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw SecurityError(
                .cryptoFailure, "cannot start SHA-256", context: OpenSSLErrors.drain())
        }
    }

    deinit {
        EVP_MD_CTX_free(self.context)
    }

    /// Adds `bytes` to the digest.
    public func update(_ bytes: UnsafeRawBufferPointer) throws(SecurityError) {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(self.context, bytes.baseAddress, bytes.count) == 1 else {
            throw SecurityError(
                .cryptoFailure, "SHA-256 update failed", context: OpenSSLErrors.drain())
        }
    }

    /// The lower-case hex digest of everything added; the hasher is spent afterwards.
    public func finishHex() throws(SecurityError) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(self.context, &digest, &length) == 1, length == 32 else {
            throw SecurityError(
                .cryptoFailure, "SHA-256 failed", context: OpenSSLErrors.drain())
        }
        return Hex.encode(digest.prefix(32))
    }
}
