import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

extension TestCluster {
    /// How a cluster is set up beyond the harness's defaults.
    public struct Options: Sendable {
        /// Extra `postgresql.conf` settings, written as given after the harness's own (quote
        /// string values yourself: `["log_statement": "'all'"]`).
        public var settings: [String: String]
        /// How TCP connections from 127.0.0.1 authenticate: `trust` or `scram-sha-256`.
        /// The unix socket, which only the harness uses, always trusts.
        public var hostAuthentication: String

        public init(settings: [String: String] = [:], hostAuthentication: String = "trust") {
            self.settings = settings
            self.hostAuthentication = hostAuthentication
        }
    }

    /// How `stop(mode:)` shuts the server down.
    public enum StopMode: String, Sendable {
        /// Ends sessions, checkpoints, exits cleanly.
        case fast
        /// Exits at once; the next start recovers from WAL, like after a crash.
        case immediate
    }

    /// Creates and starts a fresh cluster. Prefer `with` or `shared()`, which also remove it.
    public static func create(_ options: Options = Options()) async throws -> TestCluster {
        let binaries = try await PostgresBinaries.locate()
        let folder = try ClusterFolder.create(owner: binaries.serverUser)
        LiveClusters.add(folder)

        do {
            try await Self.initialize(folder, binaries: binaries, options: options)
            let cluster = try await Self.startOnFreePort(
                folder, binaries: binaries, options: options)
            try await cluster.psql(
                "ALTER ROLE \(TestCluster.superuser) PASSWORD '\(TestCluster.superuserPassword)';")
            return cluster
        } catch {
            await Self.shutDownAndRemove(folder)
            throw error
        }
    }

    /// Starts a stopped server and waits until it accepts connections.
    public func start() async throws {
        self.removeStaleLockFiles()
        let arguments = [
            "start", "-D", self.dataDirectory, "-l", self.logFile, "-w", "-t", "30", "-s",
        ]
        let output = try await self.binaries.runAsServer(
            "pg_ctl", arguments, directory: self.folder.root, timeout: .seconds(40))
        guard output.succeeded else {
            throw TestClusterError(
                .startFailed, "server on port \(self.port) did not start: \(output.standardError)",
                context: self.logTail())
        }
    }

    /// Stops the server and waits until it has exited.
    public func stop(mode: StopMode = .fast) async throws {
        let arguments = [
            "stop", "-D", self.dataDirectory, "-m", mode.rawValue, "-w", "-t", "30", "-s",
        ]
        let output = try await self.binaries.runAsServer(
            "pg_ctl", arguments, directory: self.folder.root, timeout: .seconds(40))
        guard output.succeeded else {
            throw TestClusterError(
                .commandFailed, "server on port \(self.port) did not stop: \(output.standardError)",
                context: self.logTail())
        }
    }

    /// Kills the postmaster with SIGKILL, like a crash, and waits until it is gone. Its
    /// backends notice and exit on their own; the next `start()` recovers from WAL.
    public func kill() async throws {
        guard let pid = self.postmasterPID else {
            throw TestClusterError(
                .commandFailed, "no running postmaster on port \(self.port) to kill")
        }
        let backends = ServerProcess.children(of: pid)
        guard await ServerProcess.signalAndWait(pid, SIGKILL, timeout: .seconds(30)) else {
            throw TestClusterError(.timedOut, "postmaster \(pid) survived SIGKILL for 30 s")
        }

        // Backends still attached to the old shared memory make the next start refuse to
        // run, so wait until each has noticed its postmaster's death and exited.
        let deadline = ContinuousClock.now + .seconds(30)
        while backends.contains(where: { !ServerProcess.isGone($0) }) {
            guard ContinuousClock.now < deadline else {
                throw TestClusterError(
                    .timedOut, "backends of postmaster \(pid) outlived it by 30 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Promotes a standby and waits until it has left recovery and accepts writes.
    public func promote() async throws {
        let arguments = ["promote", "-D", self.dataDirectory, "-w", "-t", "30", "-s"]
        let output = try await self.binaries.runAsServer(
            "pg_ctl", arguments, directory: self.folder.root, timeout: .seconds(40))
        guard output.succeeded else {
            throw TestClusterError(
                .commandFailed, "promotion on port \(self.port) failed: \(output.standardError)",
                context: self.logTail())
        }
        try await self.waitUntil("promotion on port \(self.port)") {
            try await self.psql("SELECT pg_is_in_recovery();") == "f"
        }
    }

    /// True while `pid` runs; false once it has exited, including as an unreaped zombie
    /// (a killed postmaster's parent is init, which in a container may never reap it).
    public static func isRunning(_ pid: Int32) -> Bool {
        !ServerProcess.isGone(pid)
    }

    /// PostgreSQL takes a lock file (`postmaster.pid`, the socket's `.lock`) naming a live
    /// process as a running server, and a killed postmaster left as a zombie still looks alive
    /// to it; such files are removed.
    private func removeStaleLockFiles() {
        let socketLock = "\(self.socketDirectory)/.s.PGSQL.\(self.port).lock"
        for path in ["\(self.dataDirectory)/postmaster.pid", socketLock] {
            guard let pid = ServerProcess.lockOwner(path), ServerProcess.isGone(pid),
                Glibc.kill(pid, 0) == 0
            else {
                continue
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Shuts the server down at once and deletes its folder. Safe to call more than once.
    public func remove() async {
        await Self.shutDownAndRemove(self.folder)
    }

    /// Polls `condition` every 50 ms for up to `timeout`; throws naming `what`, with the
    /// server log tail, if it never holds. A failing check counts as "not yet".
    public func waitUntil(
        _ what: String, timeout: Duration = .seconds(30),
        _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError = ""
        while ContinuousClock.now < deadline {
            do {
                if try await condition() {
                    return
                }
            } catch {
                lastError = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestClusterError(
            .timedOut, "\(what) did not happen within \(timeout) \(lastError)",
            context: self.logTail())
    }

    static func shutDownAndRemove(_ folder: ClusterFolder) async {
        if let pid = ServerProcess.postmasterPID(dataDirectory: folder.dataDirectory),
            await !ServerProcess.signalAndWait(pid, SIGQUIT, timeout: .seconds(10))
        {
            _ = await ServerProcess.signalAndWait(pid, SIGKILL, timeout: .seconds(5))
        }
        folder.remove()
        LiveClusters.remove(folder)
    }
}
