import Foundation

/// The benchmark's knobs, from the environment.
struct BenchSettings {
    /// Finished 16 MiB segments shipped by each tool (`BENCH_SEGMENTS`, default 64).
    let segments: Int
    /// Parallel streams of ours and `process-max` of pgBackRest (`BENCH_STREAMS`, 4).
    let streams: Int
    /// Seconds of steady pgbench load while archive lag is sampled (`BENCH_LAG_SECONDS`, 30).
    let lagSeconds: Int
    /// pgbench clients during the lag measurement (`BENCH_LAG_CLIENTS`, 4).
    let lagClients: Int
    /// Transactions a second of the lag load, about 0.2 MiB of WAL each (`BENCH_LAG_RATE`,
    /// 60: some 12 MiB of WAL a second, three segments every four seconds).
    let lagRate: Int

    static func fromEnvironment() -> BenchSettings {
        let environment = ProcessInfo.processInfo.environment
        func number(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            Int(environment[key] ?? "").map { min(max($0, range.lowerBound), range.upperBound) }
                ?? fallback
        }
        return BenchSettings(
            segments: number("BENCH_SEGMENTS", 64, 4...512),
            streams: number("BENCH_STREAMS", 4, 1...32),
            lagSeconds: number("BENCH_LAG_SECONDS", 30, 5...600),
            lagClients: number("BENCH_LAG_CLIENTS", 4, 1...16),
            lagRate: number("BENCH_LAG_RATE", 60, 1...10_000))
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
