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

    var segmentsPerSecond: Double { Double(self.segments) / max(self.seconds, 1e-9) }

    static func feed(
        tool: String, walDirectory: String, names: [String], log: String,
        command: (String, String) -> [String]
    ) throws -> ShippingRun {
        var retries = 0
        let start = ContinuousClock.now
        for name in names {
            let path = walDirectory + "/" + name
            var attempts = 0
            while try Command.run(command(path, name), log: log) != 0 {
                attempts += 1
                retries += 1
                guard attempts < 30 else {
                    throw BenchFailure("\(tool) failed 30 times on \(name); see \(log)")
                }
                usleep(1_000_000)
            }
            let status = walDirectory + "/archive_status/" + name
            guard rename(status + ".ready", status + ".done") == 0 else {
                throw BenchFailure("cannot mark \(name) done: errno \(errno)")
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds =
            Double(elapsed.components.seconds)
            + Double(elapsed.components.attoseconds) / 1e18
        return ShippingRun(
            tool: tool, seconds: seconds, segments: names.count, retries: retries,
            bytes: names.count * 16 << 20)
    }

    func report() -> String {
        String(
            format: "%-44@ %6.2f s  %7.2f segments/s  %7.1f MiB/s%@", self.tool as NSString,
            self.seconds, self.segmentsPerSecond,
            Double(self.bytes) / 1_048_576 / max(self.seconds, 1e-9),
            (self.retries > 0 ? "  (\(self.retries) retried calls)" : "") as NSString)
    }
}
