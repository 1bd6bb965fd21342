/// The cost parameters of scrypt (RFC 7914), stored beside every hash so that they can be
/// raised later without invalidating existing passwords.
public struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
    /// log2 of the CPU/memory cost N.
    public var logN: Int
    /// The block size r.
    public var blockSize: Int
    /// The parallelisation p.
    public var parallelism: Int
    /// Salt bytes for new hashes.
    public var saltLength: Int
    /// Derived key bytes for new hashes.
    public var keyLength: Int

    /// Interactive sign-in on the API nodes: N = 2^15, r = 8, p = 1, 32 MiB a hash. Measured
    /// on the 2-core reference machine (thread CPU time, machine busy with builds): median
    /// 109 ms for ln=15 against 42 ms for ln=14 and 222 ms for ln=16; OWASP's minimum for
    /// scrypt is higher (N = 2^17), which two cores cannot afford per sign-in.
    public static let interactive = ScryptParameters(logN: 15, blockSize: 8, parallelism: 1)

    /// Accepted ranges when reading stored hashes; a stored string outside them is
    /// malformed rather than a reason to allocate gigabytes.
    public static let logNRange = 1...20
    public static let blockSizeRange = 1...32
    public static let parallelismRange = 1...16
    public static let saltLengthRange = 16...64
    public static let keyLengthRange = 16...64
    /// The most memory one hash may use: 1 GiB.
    public static let memoryLimit = 1 << 30

    public init(
        logN: Int, blockSize: Int, parallelism: Int, saltLength: Int = 16, keyLength: Int = 32
    ) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
        self.saltLength = saltLength
        self.keyLength = keyLength
    }

    /// The memory one derivation needs: 128 · r · (N + p) bytes, as OpenSSL counts it.
    public var memoryBytes: Int {
        128 * self.blockSize * ((1 << self.logN) + self.parallelism + 2)
    }

    /// Throws `invalidParameters` when a value is outside the accepted ranges.
    public func validate() throws(SecurityError) {
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("ln", self.logN, Self.logNRange),
            ("r", self.blockSize, Self.blockSizeRange),
            ("p", self.parallelism, Self.parallelismRange),
            ("salt", self.saltLength, Self.saltLengthRange),
            ("key", self.keyLength, Self.keyLengthRange),
        ]
        for (name, value, range) in checks where !range.contains(value) {
            throw SecurityError(
                .invalidParameters,
                "scrypt \(name) must be in \(range.lowerBound)...\(range.upperBound)",
                context: "\(name)=\(value)")
        }
        guard self.memoryBytes <= Self.memoryLimit else {
            throw SecurityError(
                .invalidParameters, "scrypt parameters need more than 1 GiB",
                context: self.description)
        }
    }

    public var description: String {
        "ln=\(self.logN),r=\(self.blockSize),p=\(self.parallelism)"
    }
}
