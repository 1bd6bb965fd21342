import COpenSSL

/// Cryptographically secure random values from OpenSSL's `RAND_bytes`.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) throws(SecurityError) -> [UInt8] {
        guard count > 0 else { return [] }

        var bytes = [UInt8](repeating: 0, count: count)
        let ok = RAND_bytes(&bytes, Int32(count))
        guard ok == 1 else {
            throw SecurityError(
                .randomUnavailable, "RAND_bytes could not produce \(count) bytes",
                context: OpenSSLErrors.drain())
        }
        return bytes
    }

    /// A uniformly distributed integer in `0..<upperBound`, drawn by rejection sampling so
    /// that no value is more likely than another.
    public static func uniform(below upperBound: UInt32) throws(SecurityError) -> UInt32 {
        precondition(upperBound > 0, "the range must not be empty")
        // 2^32 rounded down to a multiple of upperBound: draws at or above it are discarded.
        let limit = UInt64(1 << 32) - (UInt64(1 << 32) % UInt64(upperBound))
        while true {
            let raw = try self.bytes(4)
            let value = raw.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
            if value < limit {
                return UInt32(value % UInt64(upperBound))
            }
        }
    }
}
