import Foundation

/// The command table and dispatch: `portalctl <command> [arguments]`.
enum Portalctl {
    /// Every subcommand, in the order `portalctl help` lists them.
    static let commands: [Subcommand] = [
        MigrateCommand.subcommand,
        AuditCommand.subcommand,
        TenantCommand.subcommand,
        OrganisationCommand.subcommand,
        UserCommand.subcommand,
        ImportCommand.subcommand,
        UpCommand.subcommand,
        DownCommand.subcommand,
        StatusCommand.subcommand,
        SwitchoverCommand.subcommand,
        FailoverCommand.subcommand,
    ]

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        guard let name = arguments.first, !["help", "-h", "--help"].contains(name) else {
            Console.out(Self.usage)
            return arguments.isEmpty ? ExitStatus.usage : ExitStatus.success
        }
        guard let command = Self.commands.first(where: { $0.name == name }) else {
            Console.error("portalctl: unknown command '\(name)'\n\n\(Self.usage)")
            return ExitStatus.usage
        }

        do {
            return try await command.run(Array(arguments.dropFirst()), environment)
        } catch let error as UsageError {
            Console.error("portalctl \(name): \(error.message)\n\n\(command.usage)")
            return ExitStatus.usage
        } catch {
            Console.error("portalctl \(name): \(error)")
            return ExitStatus.failure
        }
    }

    static var usage: String {
        let width = Self.commands.map(\.name.count).max() ?? 0
        let lines = Self.commands.map { command in
            let padding = String(repeating: " ", count: width - command.name.count)
            return "  \(command.name)\(padding)  \(command.summary)"
        }
        let list = lines.joined(separator: "\n")
        return "usage: portalctl <command> [arguments]\n\ncommands:\n\(list)"
    }
}

/// The process exit statuses portalctl uses.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

/// User-facing output: results to standard output, complaints to standard error.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
