import CPostgres
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Runs the local PostgreSQL as the agent's child: starts it, knows at once when it dies
/// (its watcher thread is blocked in `waitpid`), stops it fast or immediately, and starts it
/// again in place after a crash. Deaths nobody asked for arrive on `deaths`; what to do about
/// them (restart, or report stopped) is the agent's decision.
actor PostgresSupervisor {
    /// How a stop ends the server.
    enum StopMode: Sendable {
        /// SIGINT: sessions end, a checkpoint is written, nothing is lost.
        case fast
        /// SIGQUIT: the server exits at once; writes are refused from that moment, and the
        /// next start recovers from WAL.
        case immediate
    }

    /// A death of the postmaster that no stop asked for.
    struct Death: Sendable {
        let pid: pid_t
        let code: Int32
        let uptime: Duration
    }

    let bin: String
    let data: String
    let port: Int
    let socket: String
    let log: String
    let user: ServerUser
    let superuser: String
    /// Deaths nobody asked for, in order.
    nonisolated let deaths: AsyncStream<Death>
    private let deathSink: AsyncStream<Death>.Continuation

    private var postmaster: Postmaster?
    /// Pids whose exit was asked for (a stop) or is being watched for (a start).
    private var expected: Set<pid_t> = []
    private var exitCodes: [pid_t: Int32] = [:]
    /// Counts stops, so a restart that a stop overtook gives up instead of starting again.
    private var stops = 0

    init(
        bin: String, data: String, port: Int, socket: String, log: String, user: ServerUser,
        superuser: String
    ) {
        self.bin = bin
        self.data = data
        self.port = port
        self.socket = socket
        self.log = log
        self.user = user
        self.superuser = superuser
        (self.deaths, self.deathSink) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// The running postmaster's pid; nil when none runs.
    var pid: pid_t? { self.postmaster?.pid }
    var isRunning: Bool { self.postmaster != nil }

    /// Starts the server and waits until it accepts connections (crash recovery included)
    /// or `timeout` passes. Throws `startFailed` with the log's tail when it exits first.
    func start(timeout: Duration = .seconds(60)) async throws(AgentError) {
        guard self.postmaster == nil else { return }
        // The port and socket are the agent's to decide (pg_rewind copies another node's
        // settings files), and a standby whose primary restarted retries after 200 ms
        // instead of the default 5 s, so a synchronous pair commits again at once.
        let argv = self.user.command(
            [
                "\(self.bin)/postgres", "-D", self.data, "-p", String(self.port), "-k",
                self.socket, "-c", "wal_retrieve_retry_interval=200ms",
            ], deathSignal: "QUIT")
        let launched = try await Postmaster.launch(
            argv, log: self.log, directory: self.data
        ) { [weak self] postmaster, code in
            Task { await self?.exited(postmaster, code: code) }
        }
        self.postmaster = launched
        self.expected.insert(launched.pid)

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let code = self.exitCodes.removeValue(forKey: launched.pid) {
                throw AgentError(
                    .startFailed,
                    "postgres exited with \(code) while starting; its log ends:\n\(self.logTail())")
            }
            if self.ping() {
                self.expected.remove(launched.pid)
                return
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        self.expected.remove(launched.pid)
        throw AgentError(.timedOut, "postgres did not accept connections within \(timeout)")
    }

    /// Starts the server, after a crash or at any start the agent makes: old backends may
    /// still hold the shared memory for a moment after their postmaster died (a crash, or
    /// the previous agent's death), and the server refuses to start until they are gone, so
    /// a start refused for that reason is retried until `timeout`; any other failure (a bad
    /// setting, a damaged folder) is thrown at once.
    func restart(timeout: Duration) async throws(AgentError) {
        let deadline = ContinuousClock.now + timeout
        let stopsBefore = self.stops
        var attempts = 0
        while true {
            attempts += 1
            guard self.stops == stopsBefore else {
                throw AgentError(.startFailed, "a stop was asked for during the restart")
            }
            do {
                try await self.start(timeout: deadline - ContinuousClock.now)
                return
            } catch {
                let transient = ["shared memory block", "already in use"].contains {
                    error.message.contains($0)
                }
                guard error.code == .startFailed, transient, ContinuousClock.now < deadline,
                    self.stops == stopsBefore
                else {
                    throw AgentError(error.code, "after \(attempts) attempts: \(error.message)")
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Stops the server: SIGINT (fast) or SIGQUIT (immediate), then SIGKILL if it has not
    /// ended within `timeout`. Returns once the postmaster has exited.
    func stop(_ mode: StopMode, timeout: Duration = .seconds(60)) async {
        self.stops += 1
        guard let postmaster = self.postmaster else { return }
        self.expected.insert(postmaster.pid)
        postmaster.signal(mode == .fast ? SIGINT : SIGQUIT)
        if await self.waitExit(postmaster.pid, timeout: timeout) == nil {
            postmaster.signal(SIGKILL)
            _ = await self.waitExit(postmaster.pid, timeout: .seconds(10))
        }
    }

    /// Waits up to `timeout` for `pid` to exit; its exit code, nil when it still runs.
    private func waitExit(_ pid: pid_t, timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let code = self.exitCodes.removeValue(forKey: pid) {
                return code
            }
            if self.postmaster?.pid != pid {
                return 0
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Called from the watcher thread's task when a postmaster has exited.
    private func exited(_ postmaster: Postmaster, code: Int32) {
        if self.postmaster?.pid == postmaster.pid {
            self.postmaster = nil
        }
        if self.expected.remove(postmaster.pid) != nil {
            self.exitCodes[postmaster.pid] = code
            return
        }
        self.deathSink.yield(
            Death(pid: postmaster.pid, code: code, uptime: .now - postmaster.started))
    }

    /// True when the server accepts connections on its socket.
    nonisolated func ping() -> Bool {
        let conninfo =
            "host=\(self.socket) port=\(self.port) dbname=postgres user=\(self.superuser)"
            + " connect_timeout=2"
        return PQping(conninfo) == PQPING_OK
    }

    /// The last lines of the server's log, for error messages.
    nonisolated func logTail(lines: Int = 12) -> String {
        guard let text = try? String(contentsOfFile: self.log, encoding: .utf8) else {
            return "(no log at \(self.log))"
        }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
