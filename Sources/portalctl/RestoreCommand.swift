import Foundation
import Replication

/// `portalctl restore --to TIME DIR --config FILE`: rebuilds a cluster from the WAL archive
/// at a point in time (or, with `--standby`, as a standby fed by the archive alone).
enum RestoreCommand {
    static let subcommand = Subcommand(
        name: "restore",
        summary: "rebuild a cluster from the WAL archive to a point in time",
        usage: """
            usage: portalctl restore --to TIME DIR --config FILE [options]
                   portalctl restore --standby DIR --config FILE [options]

              --to TIME          ISO 8601 with a zone (2026-12-04T16:30:00Z); recovery stops
                                 there and promotes, from the newest backup finished before it
              --standby          a standby replaying the archive as it grows (newest backup)
              --config FILE      the receiving site's configuration (site-b.json); the
                                 restore_command runs `portal-replicator fetch` with it
              --archive PATH     read the backups from this archive instead of the config's
              --port N           the port the restored server listens on
              --start            start the server and wait until it reaches the target
              --timeout SECONDS  how long --start waits (default 600)
              --replicator PATH  portal-replicator (default: beside portalctl)
            DIR must be empty or absent.
            """,
        run: { arguments, _ in try await RestoreCommand.run(arguments) }
    )

    static func run(_ arguments: [String]) async throws -> Int32 {
        let flags: Set<String> = ["--start", "--standby"]
        let given = Set(arguments.filter { flags.contains($0) })
        let parsed = try ParsedArguments(
            arguments.filter { !flags.contains($0) },
            knownOptions: ["to", "config", "archive", "port", "timeout", "replicator"])
        guard parsed.positionals.count == 1, let directory = parsed.positionals.first else {
            throw UsageError("name exactly one DIR to restore into")
        }
        let target = try Self.target(parsed.options["to"], standby: given.contains("--standby"))
        guard let configPath = parsed.options["config"] else {
            throw UsageError("--config is needed: the restored server fetches WAL with it")
        }
        let port = try parsed.options["port"].map { text in
            guard let port = Int(text), (1...65535).contains(port) else {
                throw UsageError("--port \(text) is not a port number")
            }
            return port
        }
        let timeout =
            try parsed.options["timeout"].map { text in
                guard let seconds = Int(text), seconds > 0 else {
                    throw UsageError("--timeout \(text) is not a number of seconds")
                }
                return seconds
            } ?? 600
        let start = given.contains("--start")
        if start {
            try RestoredServer.checkUser()
        }

        let configuration = try BackupConfiguration.load(path: Self.absolute(configPath))
        let archive = parsed.options["archive"].map(Self.absolute) ?? configuration.archiveDirectory
        let replicator = try Self.replicator(parsed.options["replicator"])
        let command =
            [replicator, "fetch", "--config", Self.absolute(configPath)].map(Restore.shellWord)
            .joined(separator: " ") + " %f %p"
        let restore = Restore(
            backupsFolder: archive + "/backups", directory: Self.absolute(directory),
            target: target, restoreCommand: command, port: port)
        let result = try restore.run()

        Console.out(
            "restored backup \(result.backup.label) (finished "
                + "\(Timestamp.format(result.backup.stopTime))) into \(result.directory), "
                + "\(result.backup.files.count) files verified")
        let server = RestoredServer(
            directory: result.directory, serverVersion: result.backup.serverVersion)
        guard start else {
            Console.out(
                "start it as the PostgreSQL account with: pg_ctl start -D \(result.directory) "
                    + "-l \(server.logFile)")
            return ExitStatus.success
        }
        try await server.start(
            waitForTarget: result.signalFile == "recovery.signal", timeout: .seconds(timeout))
        Console.out(
            result.signalFile == "recovery.signal"
                ? "recovery reached its target and the server was promoted"
                : "the standby is running and replays the archive")
        return ExitStatus.success
    }

    private static func target(_ text: String?, standby: Bool) throws -> Restore.Target {
        switch (text, standby) {
        case (nil, true):
            return .standby
        case (let text?, false):
            guard let time = Timestamp.parse(text) else {
                throw UsageError(
                    "--to '\(text)' is not an ISO 8601 time with a zone "
                        + "(2026-12-04T16:30:00Z or 2026-12-04T17:30:00+01:00)")
            }
            return .time(time, text: text)
        case (nil, false):
            throw UsageError("give --to TIME or --standby")
        case (_?, true):
            throw UsageError("--to and --standby exclude each other")
        }
    }

    private static func replicator(_ given: String?) throws -> String {
        let path =
            given.map(Self.absolute)
            ?? URL(fileURLWithPath: CommandLine.executablePath).deletingLastPathComponent()
            .appendingPathComponent("portal-replicator").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw UsageError("no portal-replicator at \(path); name it with --replicator")
        }
        return path
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/")
            ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

extension CommandLine {
    /// This program's own path, as the kernel knows it.
    fileprivate static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    }
}
