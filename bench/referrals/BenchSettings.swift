import Foundation

/// The benchmark's knobs, from the environment, with the defaults the comparison is made at.
struct BenchSettings: Sendable {
    /// Concurrent HTTP connections on one side, pgbench clients (`-c`) on the other.
    var clients = 8
    /// pgbench threads (`-j`): one per core of the 2-core machines this runs on. The HTTP
    /// side's event loops are one per core as well, as portal-api runs them.
    var threads = 2
    /// The sides take turns this many times each (HTTP, pgbench, HTTP, ...), so that a
    /// change in the machine's load during the run falls on both alike; medians are reported.
    /// Short rounds, many of them: on a shared machine other work comes in bursts of tens of
    /// seconds, and only a fine alternation spreads a burst over both sides.
    var rounds = 9
    /// Length of each measured round.
    var roundSeconds = 5
    /// An unmeasured round of each side first, to fill caches and prepare statements.
    var warmUpSeconds = 3
    /// Share of referrals for a patient the tenant already has (the rest are new patients).
    var knownPercent = 50
    /// Patients the tenant has before the run.
    var patients = 10_000

    /// Requests one client may make in one round: a bound on count as well as on time, and
    /// the width of each client's range of new NHS numbers and idempotency keys.
    static let perClientLimit = 100_000

    static func fromEnvironment() -> BenchSettings {
        var settings = BenchSettings()
        let environment = ProcessInfo.processInfo.environment
        func read(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            environment[name].flatMap(Int.init).flatMap { range.contains($0) ? $0 : nil }
        }
        settings.clients = read("BENCH_CLIENTS", 1...64) ?? settings.clients
        settings.threads = min(settings.clients, read("BENCH_THREADS", 1...64) ?? settings.threads)
        settings.rounds = read("BENCH_ROUNDS", 1...20) ?? settings.rounds
        settings.roundSeconds = read("BENCH_ROUND_SECONDS", 1...120) ?? settings.roundSeconds
        settings.warmUpSeconds = read("BENCH_WARM_UP_SECONDS", 0...60) ?? settings.warmUpSeconds
        settings.knownPercent = read("BENCH_KNOWN_PERCENT", 0...100) ?? settings.knownPercent
        settings.patients = read("BENCH_PATIENTS", 1...1_000_000) ?? settings.patients
        return settings
    }

    /// The first serial of run number `run` (capture, warm-up and measured rounds of both
    /// sides are numbered in the order they happen). Serials below `patients` are the
    /// existing patients; each run then gets `clients` ranges of `perClientLimit` serials,
    /// client `c`'s starting at `firstSerial(run) + c * perClientLimit`. A serial names a
    /// new patient's NHS number and is the request's Idempotency-Key, so neither repeats.
    func firstSerial(run: Int) -> Int {
        self.patients + run * self.clients * Self.perClientLimit
    }
}
