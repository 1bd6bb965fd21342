import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Feeds a staged set of segments to an archive command the way PostgreSQL's archiver
/// does: one call at a time, oldest first, `%p %f`, a failed call retried after a second,
/// and `archive_status/NAME.ready` renamed to `.done` once the call succeeded. Both tools
/// see every `.ready` file from the start, so each can look ahead and ship in parallel.
struct ShippingRun {
    let tool: String
    let seconds: Double
    let segments: Int
    let retries: Int
    /// The WAL shipped, before compression.
    let bytes: Int
    /// Wall time of each archive command call, in call order (seconds).
    let calls: [Double]
    /// What the archive holds for these segments, in bytes (set after the run).
    var storedBytes = 0

    var segmentsPerSecond: Double { Double(self.segments) / max(self.seconds, 1e-9) }

    static func feed(
        tool: String, walDirectory: String, names: [String], log: String,
        command: (String, String) -> [String]
    ) throws -> ShippingRun {
        var retries = 0
        var calls: [Double] = []
        let start = ContinuousClock.now
        for name in names {
            let path = walDirectory + "/" + name
            let callStart = ContinuousClock.now
            var attempts = 0
            while try Command.run(command(path, name), log: log) != 0 {
                attempts += 1
                retries += 1
                guard attempts < 30 else {
                    throw BenchFailure("\(tool) failed 30 times on \(name); see \(log)")
                }
                usleep(1_000_000)
            }
            calls.append(Self.duration(ContinuousClock.now - callStart))
            let status = walDirectory + "/archive_status/" + name
            guard rename(status + ".ready", status + ".done") == 0 else {
                throw BenchFailure("cannot mark \(name) done: errno \(errno)")
            }
        }
        return ShippingRun(
            tool: tool, seconds: Self.duration(ContinuousClock.now - start),
            segments: names.count, retries: retries, bytes: names.count * 16 << 20, calls: calls)
    }

    private static func duration(_ elapsed: Duration) -> Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Where the time went: the first call (nothing shipped ahead yet), the median and
    /// slowest of the rest, and the bytes the archive stores.
    func detail() -> String {
        let rest = self.calls.dropFirst().sorted()
        let median = rest.isEmpty ? 0 : rest[rest.count / 2]
        return String(
            format: "    archive command calls: first %.0f ms, median %.0f ms, slowest %.0f ms; "
                + "archive stores %.1f MiB (%.1f%%)",
            1000 * (self.calls.first ?? 0), 1000 * median, 1000 * (rest.last ?? 0),
            Double(self.storedBytes) / 1_048_576,
            100 * Double(self.storedBytes) / Double(max(self.bytes, 1)))
    }

    func report() -> String {
        String(
            format: "%-44@ %6.2f s  %7.2f segments/s  %7.1f MiB/s%@", self.tool as NSString,
            self.seconds, self.segmentsPerSecond,
            Double(self.bytes) / 1_048_576 / max(self.seconds, 1e-9),
            (self.retries > 0 ? "  (\(self.retries) retried calls)" : "") as NSString)
    }
}
