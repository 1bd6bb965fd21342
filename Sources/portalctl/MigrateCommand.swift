import Migrations
import Telemetry

/// `portalctl migrate [status] [--database-url URL] [--dir DIR]`.
enum MigrateCommand {
    static let subcommand = Subcommand(
        name: "migrate",
        summary: "apply pending database migrations, or list them with `migrate status`",
        usage: """
            usage: portalctl migrate [--database-url URL] [--dir DIR]
                   portalctl migrate status [--database-url URL] [--dir DIR]

              --database-url URL  libpq URL or conninfo (default: $PORTAL_DB_URL)
              --dir DIR           folder of NNNN_name.sql files (default: migrations)
            """,
        run: { arguments, environment in
            try await MigrateCommand.run(arguments, environment: environment)
        }
    )

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        let parsed = try ParsedArguments(arguments, knownOptions: ["database-url", "dir"])
        let showStatus: Bool
        switch parsed.positionals {
        case []: showStatus = false
        case ["status"]: showStatus = true
        default:
            throw UsageError("unexpected argument '\(parsed.positionals.joined(separator: " "))'")
        }
        guard let url = parsed.options["database-url"] ?? environment["PORTAL_DB_URL"], !url.isEmpty
        else {
            throw UsageError("no database: pass --database-url or set PORTAL_DB_URL")
        }

        let set = try MigrationSet.load(directory: parsed.options["dir"] ?? "migrations")
        let level = environment["PORTAL_LOG_LEVEL"].flatMap(Logger.Level.init(name:)) ?? .warning
        let logger = Logger(label: "portalctl", level: level)

        if showStatus {
            let plan = try await Migrator.withConnection(databaseURL: url, logger: logger) {
                try await $0.status(set)
            }
            return Self.report(plan)
        }
        let applied = try await Migrator.withConnection(databaseURL: url, logger: logger) {
            try await $0.migrate(set)
        }
        for migration in applied {
            Console.out("applied  \(migration.fileName)")
        }
        Console.out(applied.isEmpty ? "up to date" : "\(applied.count) migration(s) applied")
        return ExitStatus.success
    }

    /// Prints the history and what is pending; non-zero when the history is inconsistent.
    private static func report(_ plan: MigrationPlan) -> Int32 {
        for record in plan.applied {
            Console.out("applied  \(record.fileName)  \(record.appliedAt)  by \(record.appliedBy)")
        }
        for migration in plan.pending {
            Console.out("pending  \(migration.fileName)")
        }
        for problem in plan.problems {
            Console.error("problem  \(problem.message)")
        }
        Console.out("\(plan.applied.count) applied, \(plan.pending.count) pending")
        return plan.problems.isEmpty ? ExitStatus.success : ExitStatus.failure
    }
}
