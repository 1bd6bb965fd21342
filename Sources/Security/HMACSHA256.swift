import COpenSSL

/// HMAC-SHA256 (RFC 2104) through OpenSSL, for keyed digests such as one-time codes stored
/// under a server key.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticate(
        _ message: some Collection<UInt8>, key: some Collection<UInt8>
    ) throws(SecurityError) -> [UInt8] {
        let keyBytes = Array(key)
        let messageBytes = Array(message)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = keyBytes.withUnsafeBytes { rawKey in
            messageBytes.withUnsafeBufferPointer { rawMessage in
                HMAC(
                    EVP_sha256(), rawKey.baseAddress, Int32(rawKey.count), rawMessage.baseAddress,
                    rawMessage.count, &output, &length)
            }
        }
        guard result != nil, length == 32 else {
            throw SecurityError(
                .cryptoFailure, "HMAC-SHA256 failed", context: OpenSSLErrors.drain())
        }
        return Array(output.prefix(32))
    }
}
