import Foundation

/// The shipper's shared state, behind one lock with a condition: the backlog from the last
/// scan, what site B has acknowledged (name, checksum and the version of the local file
/// that was read), the files in flight, the files
/// `push` is waiting for, and each connection's fortunes. Streams take their next file
/// here; `push` waits here for its answer.
final class ShipQueue: @unchecked Sendable {
    /// One file for a stream to ship.
    struct Job: Sendable {
        let name: WALFileName
        let urgent: Bool
    }

    /// What site B acknowledged: the SHA-256 it stored, and which version of the local
    /// file those bytes were read from.
    struct Acknowledgement: Sendable, Equatable {
        let checksum: String
        let identity: FileIdentity
    }

    /// How a stream's attempt ended.
    enum Result: Sendable {
        case acknowledged(Acknowledgement, bytes: Int, sent: Bool)
        case conflict(identity: FileIdentity, message: String)
        case corrupt(String)
        /// The local file could not be read, or site B could not store it: held back a while.
        case failed(String)
        /// The connection broke; the job goes back to the queue.
        case transport(String)
    }

    /// What `push` hears back.
    enum PushAnswer: Sendable, Equatable {
        case stored
        case conflict(String)
        case failed(String)
        case unreachable(String)
    }

    private let condition = NSCondition()
    private let lookahead: Int
    private var backlog: [WALFileName: ReadyFile] = [:]
    private var order: [WALFileName] = []
    private var acknowledged: [WALFileName: Acknowledgement] = [:]
    private var inFlight: Set<WALFileName> = []
    private var urgent: [WALFileName] = []
    private var conflicts: [WALFileName: (identity: FileIdentity, message: String)] = [:]
    private var failures: [WALFileName: (message: String, at: ContinuousClock.Instant)] = [:]
    private var corruptAttempts: [WALFileName: Int] = [:]
    private var holdUntil: [WALFileName: ContinuousClock.Instant] = [:]
    private var connected = 0
    private var lastConnectFailure: (at: ContinuousClock.Instant, message: String)?
    private var stopping = false

    /// Attempts at a file the receiver found corrupt before it is held back for a while.
    static let corruptAttemptLimit = 3

    init(lookahead: Int) {
        self.lookahead = lookahead
    }

    // MARK: Scanning

    /// Replaces the backlog with a fresh scan; returns the files seen for the first time
    /// (the WAL PostgreSQL generated since the last scan) and what is still unacknowledged.
    func update(scan: [ReadyFile]) -> (new: [ReadyFile], pending: [ReadyFile]) {
        self.locked {
            let new = scan.filter { self.backlog[$0.name] == nil }
            self.backlog = Dictionary(uniqueKeysWithValues: scan.map { ($0.name, $0) })
            self.order = scan.map(\.name)
            self.forgetArchived()
            if !new.isEmpty { self.condition.broadcast() }
            let pending = scan.filter { self.acknowledged[$0.name] == nil }
            return (new, pending)
        }
    }

    /// PostgreSQL renames `.ready` to `.done` once push succeeded: what is kept about a
    /// file no longer ready, not in flight and not awaited by push is dropped, so the
    /// bookkeeping stays as small as the backlog.
    private func forgetArchived() {
        func gone(_ name: WALFileName) -> Bool {
            self.backlog[name] == nil && !self.inFlight.contains(name)
                && !self.urgent.contains(name)
        }
        self.acknowledged = self.acknowledged.filter { !gone($0.key) }
        self.conflicts = self.conflicts.filter { !gone($0.key) }
        self.failures = self.failures.filter { !gone($0.key) }
        self.corruptAttempts = self.corruptAttempts.filter { !gone($0.key) }
        self.holdUntil = self.holdUntil.filter { !gone($0.key) }
    }

    // MARK: Streams

    /// The next file for a stream: files `push` is waiting for first, then the oldest of
    /// the first `lookahead` unacknowledged ready files. A timeline's history file goes
    /// before any later file: while one is unacknowledged, files of its timeline and later
    /// ones wait. Waits up to `wait` for work; nil when there is none or when stopping.
    func next(wait: Duration) -> Job? {
        self.locked {
            let deadline = Date().addingTimeInterval(Self.seconds(wait))
            while !self.stopping {
                if let job = self.pick() {
                    self.inFlight.insert(job.name)
                    return job
                }
                guard self.condition.wait(until: deadline) else { return nil }
            }
            return nil
        }
    }

    private func pick() -> Job? {
        let now = ContinuousClock.now
        // A history file site B disputes (a conflict) keeps blocking its timeline: its
        // segments would mix two servers' histories in one archive.
        let historyBarrier = self.order.lazy
            .filter { $0.kind == .history && self.acknowledged[$0] == nil }
            .map(\.timeline).min()
        func eligible(_ name: WALFileName) -> Bool {
            guard !self.inFlight.contains(name), self.conflicts[name] == nil else { return false }
            if let hold = self.holdUntil[name], hold > now { return false }
            if name.kind != .history, let barrier = historyBarrier, name.timeline >= barrier {
                return false
            }
            if name.kind == .history, let barrier = historyBarrier, name.timeline > barrier {
                return false
            }
            return true
        }

        if let name = self.urgent.first(where: eligible) {
            return Job(name: name, urgent: true)
        }
        // A file in conflict stays in the backlog (and in the lag alert) but gives its
        // place in the window to the next one.
        let window = self.order.lazy
            .filter { self.acknowledged[$0] == nil && self.conflicts[$0] == nil }
            .prefix(self.lookahead)
        if let name = window.first(where: eligible) {
            return Job(name: name, urgent: false)
        }
        return nil
    }

    /// Records how a stream's attempt at `job` ended and wakes whoever waits on it.
    func finish(_ job: Job, _ result: Result) {
        self.locked {
            self.inFlight.remove(job.name)
            let name = job.name
            switch result {
            case .acknowledged(let acknowledgement, _, _):
                self.acknowledged[name] = acknowledgement
                self.corruptAttempts[name] = nil
                self.holdUntil[name] = nil
                self.failures[name] = nil
                self.urgent.removeAll { $0 == name }
            case .conflict(let identity, let message):
                self.conflicts[name] = (identity, message)
                self.urgent.removeAll { $0 == name }
            case .corrupt(let message):
                let attempts = (self.corruptAttempts[name] ?? 0) + 1
                self.corruptAttempts[name] = attempts
                if attempts >= Self.corruptAttemptLimit {
                    self.corruptAttempts[name] = nil
                    self.fail(
                        name, "site B refused \(name) \(attempts) times as corrupt: \(message)")
                }
            case .failed(let message):
                self.fail(name, message)
            case .transport:
                break
            }
            self.condition.broadcast()
        }
    }

    private func fail(_ name: WALFileName, _ message: String) {
        self.failures[name] = (message, .now)
        self.holdUntil[name] = .now + .seconds(10)
        self.urgent.removeAll { $0 == name }
    }

    /// A stream connected (true) or lost its connection (false).
    func connection(open: Bool) {
        self.locked {
            self.connected += open ? 1 : -1
            self.condition.broadcast()
        }
    }

    /// A stream could not connect to the receiver.
    func connectFailed(_ message: String) {
        self.locked {
            self.lastConnectFailure = (.now, message)
            self.condition.broadcast()
        }
    }

    /// Sleeps up to `duration`, woken early by stopping.
    func pause(_ duration: Duration) {
        self.locked {
            let deadline = Date().addingTimeInterval(Self.seconds(duration))
            while !self.stopping, self.condition.wait(until: deadline) {}
        }
    }

    func stop() {
        self.locked {
            self.stopping = true
            self.condition.broadcast()
        }
    }

    var isStopping: Bool { self.locked { self.stopping } }

    // MARK: Push

    /// Answers `push`: at once when site B acknowledged `name` as read from the version
    /// `identity`, otherwise after shipping it ahead of the backlog; unreachable as soon as
    /// no stream can connect; failed after `timeout`.
    func awaitPush(
        _ name: WALFileName, identity: FileIdentity, timeout: Duration
    ) -> PushAnswer {
        self.locked {
            if self.acknowledged[name]?.identity == identity { return .stored }
            if let conflict = self.conflicts[name] {
                guard conflict.identity != identity else { return .conflict(conflict.message) }
                self.conflicts[name] = nil
            }
            if self.acknowledged[name] != nil {
                // Another version was acknowledged: offering this one lets site B judge.
                self.acknowledged[name] = nil
            }
            let start = ContinuousClock.now
            if !self.urgent.contains(name) { self.urgent.append(name) }
            self.holdUntil[name] = nil
            self.condition.broadcast()

            let deadline = Date().addingTimeInterval(Self.seconds(timeout))
            while true {
                if let answer = self.answer(name, identity, since: start) { return answer }
                guard !self.stopping else { return .failed("the shipping daemon is stopping") }
                guard self.condition.wait(until: min(deadline, Date().addingTimeInterval(1))) else {
                    if Date() >= deadline {
                        return .failed("site B did not acknowledge \(name) within \(timeout)")
                    }
                    continue
                }
            }
        }
    }

    private func answer(
        _ name: WALFileName, _ identity: FileIdentity, since start: ContinuousClock.Instant
    ) -> PushAnswer? {
        if let acknowledged = self.acknowledged[name] {
            return acknowledged.identity == identity
                ? .stored
                : .failed(
                    "\(name) changed while it was shipped: site B acknowledged the version "
                        + "\(acknowledged.identity), push asked about \(identity)")
        }
        if let conflict = self.conflicts[name], conflict.identity == identity {
            return .conflict(conflict.message)
        }
        if let failure = self.failures[name], failure.at >= start {
            return .failed(failure.message)
        }
        if self.connected == 0, !self.inFlight.contains(name),
            let failure = self.lastConnectFailure, failure.at >= start
        {
            return .unreachable(failure.message)
        }
        return nil
    }

    private func locked<Value>(_ body: () -> Value) -> Value {
        self.condition.lock()
        defer { self.condition.unlock() }
        return body()
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
