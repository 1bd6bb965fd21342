import Foundation
import Synchronization
import Telemetry

/// The referral load: new referrals at a fixed rate for a bounded time, each sent by a
/// worker thread under its own Idempotency-Key and retried under the SAME key after a
/// failure or a timeout until it is acknowledged or the run ends. A retry whose answer is
/// a replay (the first attempt had committed) is one referral, recorded as replayed.
final class LoadRun: Sendable {
    struct Options {
        var port = 0
        var rate = 20.0
        var duration: Duration = .seconds(60)
        /// After the end of scheduling (or SIGTERM), how long outstanding referrals are still
        /// retried.
        var drain: Duration = .seconds(5)
        var attemptTimeout: Duration = .seconds(5)
        var retryDelay: Duration = .milliseconds(100)
        var workers = 32
    }

    private struct State {
        var referrals: [LoadRecord.Referral] = []
        var bodies: [[UInt8]] = []
        var queue: [Int] = []
        var next = 0
        var schedulingDone = false
        /// When scheduling stops: the planned end, or earlier on SIGTERM.
        var stopAt: Int64
        var acknowledged = 0
        var failures = 0
        var lastAcknowledgedAt: Int64 = 0
        var lastAcknowledgedAttemptAt: Int64 = 0
    }

    let options: Options
    let session: PortalSession
    let factory: ReferralFactory
    let startedAt: Int64
    let logger: Logger
    private let state: Mutex<State>
    private let activeWorkers = Atomic<Int>(0)

    init(options: Options, session: PortalSession, logger: Logger) {
        self.options = options
        self.session = session
        self.factory = ReferralFactory(
            session: session, patientBase: Int.random(in: 100_000_000..<899_000_000))
        self.logger = logger
        self.startedAt = WallClock.nowMilliseconds()
        let planned = self.startedAt + Int64(options.duration.seconds * 1000)
        self.state = Mutex(State(stopAt: planned))
    }

    /// Ends scheduling now (SIGTERM); outstanding referrals get the drain time.
    func requestStop() {
        let now = WallClock.nowMilliseconds()
        self.state.withLock { $0.stopAt = min($0.stopAt, now) }
    }

    /// Runs the load to its end, writing `progress` about twice a second; returns the
    /// referrals and how many were never sent.
    func run(progress: String?) -> (referrals: [LoadRecord.Referral], unsent: Int) {
        for _ in 0..<self.options.workers {
            self.activeWorkers.add(1, ordering: .sequentiallyConsistent)
            Thread { [self] in
                self.work()
                self.activeWorkers.subtract(1, ordering: .sequentiallyConsistent)
            }.start()
        }
        let interval = 1000.0 / self.options.rate
        var lastProgress: Int64 = 0
        for sequence in 0..<Int(self.options.rate * self.options.duration.seconds + 1) {
            let due = self.startedAt + Int64(Double(sequence) * interval)
            var now = WallClock.nowMilliseconds()
            while now < due && now < self.stopAt {
                Thread.sleep(forTimeInterval: Double(min(due - now, 20)) / 1000)
                now = WallClock.nowMilliseconds()
                if let progress, now - lastProgress >= 500 {
                    self.writeProgress(progress)
                    lastProgress = now
                }
            }
            guard now < self.stopAt else { break }
            self.schedule(sequence, at: now)
        }
        self.state.withLock { $0.schedulingDone = true }
        let drainEnd = self.stopAt + Int64(self.options.drain.seconds * 1000)
        let waitEnd = drainEnd + Int64(self.options.attemptTimeout.seconds * 1000) + 1000
        while self.activeWorkers.load(ordering: .sequentiallyConsistent) > 0,
            WallClock.nowMilliseconds() < waitEnd
        {
            if let progress { self.writeProgress(progress) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        if let progress { self.writeProgress(progress) }
        return self.state.withLock { ($0.referrals, $0.queue.count) }
    }

    private var stopAt: Int64 { self.state.withLock { $0.stopAt } }

    private func schedule(_ sequence: Int, at now: Int64) {
        let body = self.factory.body(sequence: sequence)
        let key = "drill-" + UUID().uuidString.lowercased()
        self.state.withLock {
            $0.referrals.append(
                LoadRecord.Referral(
                    key: key, scheduledAt: now, attempts: [], id: nil, acknowledgedAt: nil,
                    acknowledgedAttemptStartedAt: nil, replayed: false, refused: false))
            $0.bodies.append(body)
            $0.queue.append($0.referrals.count - 1)
        }
    }

    /// One worker: takes the next referral and sends it until it is settled.
    private func work() {
        let http = HTTPExchange(port: self.options.port, timeout: self.options.attemptTimeout)
        // Bounded by the run: a worker ends once scheduling is done and the queue is empty,
        // or at the drain's end.
        for _ in 0..<1_000_000 {
            let job: (index: Int, key: String, body: [UInt8])?? = self.state.withLock { state in
                if !state.queue.isEmpty {
                    let index = state.queue.removeFirst()
                    return (index, state.referrals[index].key, state.bodies[index])
                }
                return state.schedulingDone ? .some(nil) : nil
            }
            switch job {
            case .some(.some(let job)):
                self.settle(job.index, key: job.key, body: job.body, http: http)
            case .some(.none):
                return
            case .none:
                Thread.sleep(forTimeInterval: 0.005)
            }
            if WallClock.nowMilliseconds() > self.drainEnd { return }
        }
    }

    private var drainEnd: Int64 { self.stopAt + Int64(self.options.drain.seconds * 1000) }

    /// Sends referral `index` under `key` until acknowledged, refused, or the drain ends.
    private func settle(_ index: Int, key: String, body: [UInt8], http: HTTPExchange) {
        var headers = self.session.headers
        headers["Idempotency-Key"] = key
        for attempt in 0..<100_000 {
            if attempt > 0 {
                Thread.sleep(forTimeInterval: self.options.retryDelay.seconds)
            }
            guard WallClock.nowMilliseconds() < self.drainEnd else { return }
            let started = WallClock.nowMilliseconds()
            let result = http.send("POST", "/api/v1/referrals", headers: headers, body: body)
            let ended = WallClock.nowMilliseconds()
            switch result {
            case .success(let response) where response.status == 201:
                let answer = try? JSONSerialization.jsonObject(with: Data(response.body))
                let id = (answer as? [String: Any])?["id"] as? String
                let replayed = response.headers["idempotent-replayed"] == "true"
                self.state.withLock { state in
                    state.referrals[index].attempts.append(
                        LoadRecord.Attempt(
                            startedAt: started, endedAt: ended,
                            outcome: replayed ? "replayed" : "acknowledged",
                            detail: id == nil ? "no id in the answer" : nil))
                    state.referrals[index].id = id
                    state.referrals[index].acknowledgedAt = ended
                    state.referrals[index].acknowledgedAttemptStartedAt = started
                    state.referrals[index].replayed = replayed
                    state.acknowledged += 1
                    state.lastAcknowledgedAt = max(state.lastAcknowledgedAt, ended)
                    state.lastAcknowledgedAttemptAt = max(state.lastAcknowledgedAttemptAt, started)
                }
                return
            case .success(let response):
                let retried = response.status == 429 || response.status >= 500
                self.state.withLock { state in
                    state.referrals[index].attempts.append(
                        LoadRecord.Attempt(
                            startedAt: started, endedAt: ended, outcome: "http-\(response.status)",
                            detail: String(response.text.prefix(200))))
                    state.failures += 1
                    if !retried { state.referrals[index].refused = true }
                }
                if !retried {
                    self.logger.info(
                        "the portal refused a referral",
                        [
                            ("http.status", .int(Int64(response.status))),
                            ("referral.key", .string(key)),
                        ])
                    return
                }
            case .failure(let failure):
                self.state.withLock { state in
                    state.referrals[index].attempts.append(
                        LoadRecord.Attempt(
                            startedAt: started, endedAt: ended, outcome: failure.kind.rawValue,
                            detail: failure.detail))
                    state.failures += 1
                }
            }
        }
    }

    /// A small JSON file the drill polls: how many referrals were acknowledged and when the
    /// attempt of the newest acknowledgement started.
    private func writeProgress(_ path: String) {
        let text = self.state.withLock { state in
            "{\"acknowledged\":\(state.acknowledged),\"failures\":\(state.failures),"
                + "\"lastAcknowledgedAt\":\(state.lastAcknowledgedAt),"
                + "\"lastAcknowledgedAttemptAt\":\(state.lastAcknowledgedAttemptAt),"
                + "\"scheduled\":\(state.referrals.count)}\n"
        }
        let temporary = path + ".tmp"
        if FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) {
            _ = rename(temporary, path)
        }
    }
}
