import Synchronization

/// Compressors kept for reuse, so a response pays a stream reset rather than a fresh zlib
/// set-up (see ``GzipCompressor``). Each is lent to one caller at a time.
public final class GzipPool: Sendable {
    public let level: Int32
    /// How many idle compressors are kept; more are made under load and then dropped.
    public let capacity: Int
    private let idle = Mutex<[GzipCompressor]>([])

    public init(level: Int32 = GzipPolicy.defaultLevel, capacity: Int = 16) {
        self.level = level
        self.capacity = capacity
    }

    /// Runs `body` with a compressor of its own, which goes back to the pool afterwards.
    public func withCompressor<Result>(
        _ body: (GzipCompressor) throws(GzipError) -> Result
    ) throws(GzipError) -> Result {
        let compressor: GzipCompressor
        if let reused = self.idle.withLock({ $0.popLast() }) {
            compressor = reused
        } else {
            compressor = try GzipCompressor(level: self.level)
        }

        defer {
            self.idle.withLock { idle in
                if idle.count < self.capacity {
                    idle.append(compressor)
                }
            }
        }
        return try body(compressor)
    }

    /// The compressed body, or nil when zlib fails (the caller then sends it as it is).
    public func compressedOrNil(_ input: [UInt8]) -> [UInt8]? {
        try? self.compress(input)
    }

    /// Compresses one body with a pooled compressor.
    public func compress(_ input: [UInt8]) throws(GzipError) -> [UInt8] {
        try self.withCompressor { compressor throws(GzipError) in try compressor.compress(input) }
    }
}
