import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Starts the topology's resident processes detached (a session of their own, output into
/// `logs/NAME.log`), records each one's pid in the state folder, and later finds and stops
/// exactly those processes by their records.
public struct Supervisor: Sendable {
    public let state: StateFolder
    public let account: ServerAccount

    /// Records in `state`'s `pids/`, processes started as `account`.
    public init(state: StateFolder, account: ServerAccount) {
        self.state = state
        self.account = account
    }

    /// The record of `name` if that process still runs, else nil.
    public func running(_ name: String) -> ProcessRecord? {
        guard let record = self.recorded(name), record.isRunning else { return nil }
        return record
    }

    /// The record of `name` as written, running or not.
    public func recorded(_ name: String) -> ProcessRecord? {
        guard let data = FileManager.default.contents(atPath: self.state.pidFile(name)) else {
            return nil
        }
        return try? JSONDecoder().decode(ProcessRecord.self, from: data)
    }

    /// Starts `command` (its program, an absolute path, first) under the server account
    /// with exactly `environment`, and records it as `name`.
    @discardableResult
    public func start(
        _ name: String, _ command: [String], environment: [String: String]
    ) throws(TopologyError) -> ProcessRecord {
        let log = self.state.logFile(name)
        Self.mark(log, "started by portalctl up: \(command.joined(separator: " "))")
        let pid = try Spawner.spawn(
            self.account.command(command), environment: environment, output: log, errors: log,
            append: true, newSession: true)
        guard let record = ProcessRecord.of(pid, name: name, program: command[0]) else {
            throw TopologyError(
                .commandFailed, "\(name) exited at once; see \(log)\n" + Self.tail(log))
        }
        try self.record(record)
        return record
    }

    /// Writes `record` as the process `record.name`.
    public func record(_ record: ProcessRecord) throws(TopologyError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(record)) ?? Data()
        do {
            try data.write(to: URL(fileURLWithPath: self.state.pidFile(record.name)))
        } catch {
            throw TopologyError(.storage, "cannot record \(record.name)'s pid: \(error)")
        }
    }

    /// Forgets `name`'s record.
    public func forget(_ name: String) {
        unlink(self.state.pidFile(name))
    }

    /// Stops the recorded process `name` if it still runs: SIGTERM, then SIGKILL when it has
    /// not ended within `grace`. Returns the pid stopped, nil when nothing ran.
    public func stop(_ name: String, grace: Duration = .seconds(20)) async -> Int32? {
        defer { self.forget(name) }
        guard let record = self.running(name) else { return nil }
        kill(record.pid, SIGTERM)
        if await Self.waitGone(record, within: grace) {
            return record.pid
        }
        kill(record.pid, SIGKILL)
        _ = await Self.waitGone(record, within: .seconds(5))
        return record.pid
    }

    /// Waits until `record`'s process has ended; returns whether it did within `timeout`.
    public static func waitGone(_ record: ProcessRecord, within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !record.isRunning {
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !record.isRunning
    }

    /// Appends a line saying what starts now, so that a log's tail after a failure shows
    /// this start's lines and not an earlier run's.
    static func mark(_ path: String, _ text: String) {
        let line = "=== \(Date()) \(text)\n"
        guard let handle = FileHandle(forWritingAtPath: path) else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(line.utf8))
            return
        }
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
        try? handle.close()
    }

    /// The last lines of a log, for an error message.
    public static func tail(_ path: String, lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines)
            .joined(separator: "\n")
    }
}
