import COpenSSL

/// The scrypt key derivation function (RFC 7914) through OpenSSL 3.
public enum Scrypt {
    /// Derives `length` bytes from `password` and `salt` with cost N = 2^`logN`, block size
    /// `blockSize` and parallelism `parallelism`.
    public static func derive(
        password: [UInt8], salt: [UInt8], logN: Int, blockSize: Int, parallelism: Int, length: Int
    ) throws(SecurityError) -> [UInt8] {
        guard logN >= 1, logN < 63, blockSize >= 1, parallelism >= 1, length >= 1 else {
            throw SecurityError(
                .invalidParameters, "scrypt parameters must be positive",
                context: "ln=\(logN),r=\(blockSize),p=\(parallelism),length=\(length)")
        }

        // OpenSSL refuses to allocate more than maxmem; allow what these parameters need.
        let needed = UInt64(128 * blockSize) * (UInt64(1) << UInt64(logN) + UInt64(parallelism) + 2)
        var key = [UInt8](repeating: 0, count: length)
        OpenSSLErrors.clear()
        // OpenSSL reads a NULL password or salt as empty, so empty arrays need no care.
        let ok = password.withUnsafeBytes { rawPassword in
            salt.withUnsafeBufferPointer { saltBytes in
                EVP_PBE_scrypt(
                    rawPassword.baseAddress?.assumingMemoryBound(to: CChar.self), rawPassword.count,
                    saltBytes.baseAddress, saltBytes.count, UInt64(1) << UInt64(logN),
                    UInt64(blockSize), UInt64(parallelism), needed + (1 << 20), &key, length)
            }
        }
        guard ok == 1 else {
            throw SecurityError(
                .cryptoFailure, "scrypt derivation failed",
                context: "ln=\(logN),r=\(blockSize),p=\(parallelism): \(OpenSSLErrors.drain())")
        }
        return key
    }
}
