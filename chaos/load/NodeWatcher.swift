import Foundation
import Synchronization

/// Samples every PostgreSQL node of the topology every `interval` while the load runs:
/// reachable or not, in recovery or writable, how many referrals it shows, its timeline.
/// Two nodes both writable while both their referral counts grow is two primaries both
/// committing: the split brain the drills must never see.
final class NodeWatcher: Sendable {
    let ports: [Int]
    let interval: Duration
    private let samples = Mutex<[LoadRecord.NodeSample]>([])
    private let stopped = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)

    init(ports: [Int], interval: Duration = .milliseconds(100)) {
        self.ports = ports
        self.interval = interval
    }

    static let query =
        "SELECT pg_is_in_recovery(), (SELECT count(*) FROM portal.referrals), "
        + "(SELECT timeline_id FROM pg_control_checkpoint())"

    /// Starts one sampling thread per node.
    func start() {
        for port in self.ports {
            self.running.add(1, ordering: .sequentiallyConsistent)
            let thread = Thread { [self] in
                let probe = SQLProbe(port: port)
                // Bounded: at most one sample per interval for a day.
                for _ in 0..<(24 * 3600 * 10) where !self.stopped.load(ordering: .relaxed) {
                    let began = ContinuousClock.now
                    self.record(probe.rows(Self.query), port: port)
                    let left = self.interval - (ContinuousClock.now - began)
                    if left > .zero {
                        Thread.sleep(forTimeInterval: left.seconds)
                    }
                }
                probe.disconnect()
                self.running.subtract(1, ordering: .sequentiallyConsistent)
            }
            thread.start()
        }
    }

    /// Stops sampling and returns every sample, oldest first.
    func stop() -> [LoadRecord.NodeSample] {
        self.stopped.store(true, ordering: .sequentiallyConsistent)
        for _ in 0..<300 where self.running.load(ordering: .sequentiallyConsistent) > 0 {
            Thread.sleep(forTimeInterval: 0.01)
        }
        return self.samples.withLock { $0.sorted { $0.at < $1.at } }
    }

    private func record(_ result: Result<[[String?]], ChaosError>, port: Int) {
        let at = WallClock.nowMilliseconds()
        let sample: LoadRecord.NodeSample
        switch result {
        case .success(let rows) where rows.count == 1:
            let row = rows[0]
            sample = LoadRecord.NodeSample(
                at: at, port: port, reachable: true, writable: row[0] == "f",
                referrals: row[1].flatMap { Int($0) }, timeline: row[2].flatMap { Int($0) },
                error: nil)
        case .success:
            sample = LoadRecord.NodeSample(
                at: at, port: port, reachable: true, writable: false, referrals: nil,
                timeline: nil, error: "no row")
        case .failure(let error):
            sample = LoadRecord.NodeSample(
                at: at, port: port, reachable: false, writable: false, referrals: nil,
                timeline: nil, error: String(error.message.prefix(200)))
        }
        self.samples.withLock { $0.append(sample) }
    }
}
