import Foundation

/// Finds and runs PostgreSQL's client programs (`pg_basebackup`, `pg_ctl`) for backup and
/// restore, with a deadline and with their output kept for the error message.
enum PostgresTools {
    /// What a finished program printed and how it ended.
    struct Output: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The folder holding `program`: `PORTAL_PG_BINDIR`, then PostgreSQL `version`'s folder
    /// under /usr/lib/postgresql when a version is given, then the highest version there,
    /// then `PATH`.
    static func path(_ program: String, version: String? = nil) throws(BackupError) -> String {
        var folders: [String] = []
        if let configured = ProcessInfo.processInfo.environment["PORTAL_PG_BINDIR"] {
            folders.append(configured)
        }
        let root = "/usr/lib/postgresql"
        if let version {
            folders.append("\(root)/\(version)/bin")
        }
        let installed = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        folders += installed.compactMap(Int.init).sorted(by: >).map { "\(root)/\($0)/bin" }
        folders += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map(String.init)

        for folder in folders {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BackupError(
            .commandFailed,
            "\(program) not found (set PORTAL_PG_BINDIR or install PostgreSQL's programs)")
    }

    /// Runs `executable` with `arguments` and `environment` added to this process's; kills it
    /// and throws `timedOut` after `timeout`. Output goes to files rather than pipes, so a
    /// server it starts in the background cannot hold the call open.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        timeout: Duration
    ) async throws(BackupError) -> Output {
        let scratch = NSTemporaryDirectory() + "portal-tool-" + UUID().uuidString
        let outPath = scratch + ".out"
        let errPath = scratch + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
            FileManager.default.createFile(atPath: errPath, contents: nil),
            let out = FileHandle(forWritingAtPath: outPath),
            let err = FileHandle(forWritingAtPath: errPath)
        else {
            throw BackupError(.storage, "cannot create output files at \(scratch)")
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw BackupError(.commandFailed, "cannot start \(executable): \(error)")
        }
        try? out.close()
        try? err.close()

        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                process.waitUntilExit()
                throw BackupError(
                    .timedOut, "\(executable) did not finish within \(timeout); stopped it")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return Output(
            status: process.terminationStatus,
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
