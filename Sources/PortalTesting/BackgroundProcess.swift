import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A long-running process a test starts (a daemon under test), known by the pid it was
/// started with, never by name: stopped with SIGTERM, or killed with SIGKILL for crash
/// tests. Its output and error go to files the test can read while it runs.
public final class BackgroundProcess: Sendable {
    public let pid: pid_t
    public let outputFile: String
    public let errorFile: String

    private init(pid: pid_t, outputFile: String, errorFile: String) {
        self.pid = pid
        self.outputFile = outputFile
        self.errorFile = errorFile
    }

    /// Starts `executable` with `arguments`, `environment` added to this process's, output
    /// and error into files named after `logPrefix`.
    public static func start(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        logPrefix: String
    ) throws -> BackgroundProcess {
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }
        let output = logPrefix + ".out"
        let error = logPrefix + ".err"
        let pid = try Spawn.start(
            [executable] + arguments, environment: merged, output: output, error: error)
        return BackgroundProcess(pid: pid, outputFile: output, errorFile: error)
    }

    /// What it has written to standard error so far.
    public var standardError: String {
        (try? String(contentsOfFile: self.errorFile, encoding: .utf8)) ?? ""
    }

    /// Sends SIGTERM and waits up to `timeout` for it to exit; its exit status, or nil when
    /// it had to be killed.
    @discardableResult
    public func terminate(timeout: Duration = .seconds(20)) async -> Int32? {
        Glibc.kill(self.pid, SIGTERM)
        return await Spawn.wait(self.pid, timeout: timeout)
    }

    /// Sends SIGKILL (a crash, as `kill -9`) and reaps it.
    public func kill() async {
        Glibc.kill(self.pid, SIGKILL)
        _ = await Spawn.wait(self.pid, timeout: .seconds(10))
    }

    /// True while the process has not exited (it is not reaped here).
    public var isRunning: Bool {
        !ServerProcess.isGone(self.pid)
    }
}

/// A free TCP port on 127.0.0.1 for a server a test starts (not reserved: bind soon).
public enum LoopbackPort {
    /// A port that was free a moment ago.
    public static func free() throws -> Int {
        try FreePort.next()
    }
}
