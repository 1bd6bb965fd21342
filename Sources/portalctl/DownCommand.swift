import Foundation
import Topology

/// `portalctl down [--state DIR]`: stops what `up` started, by recorded pid.
enum DownCommand {
    static let subcommand = Subcommand(
        name: "down",
        summary: "stop the processes portalctl up started, and nothing else",
        usage: """
            usage: portalctl down [--state DIR]

            \(TopologyOptions.stateHelp)

            Each process is stopped by the pid recorded when it started, once it is confirmed
            to still run that program: the front first, then the standby's agent and the
            primary's (each stops its PostgreSQL with a fast shutdown), then the coordinator
            and the replicator. A PostgreSQL left without its agent is stopped with pg_ctl stop
            -m fast. Data is kept.
            """,
        run: { arguments, environment in
            try await DownCommand.run(arguments, environment: environment)
        }
    )

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        let parsed = try ParsedArguments(arguments, knownOptions: ["state"])
        guard parsed.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(parsed.positionals.joined(separator: " "))'")
        }
        let topology = try TopologyOptions.topology(
            parsed, environment: environment, requireBuilt: false)
        guard topology.state.exists else {
            Console.out("no topology in \(topology.state.root): nothing to stop")
            return ExitStatus.success
        }
        let stopped = try await topology.down { Console.out("==> \($0)") }
        Console.out(
            stopped.isEmpty ? "nothing was running" : "stopped \(stopped.count) process(es)")
        return ExitStatus.success
    }
}
