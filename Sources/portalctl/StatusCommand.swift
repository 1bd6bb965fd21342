import Foundation
import Topology

/// `portalctl status [--state DIR] [--json]`: the health of the local topology.
enum StatusCommand {
    static let subcommand = Subcommand(
        name: "status",
        summary: "show the topology's processes, roles, lag, sync state, term and lease",
        usage: """
            usage: portalctl status [--state DIR] [--json]

            \(TopologyOptions.stateHelp)
              --json        one JSON object instead of the table

            Shows each process, both servers' roles and WAL positions, the replication between
            them, the archive backlog, and the failover coordinator's view: the term, the
            primary, the lease holder and its expiry, each node's role, lag, sync state and
            whether it may be promoted, and the latest decisions with their reasons.
            Exit status 0 when every part is healthy, the primary holds the lease and the
            standby is synchronous and promotable; 1 otherwise.
            """,
        run: { arguments, environment in
            try await StatusCommand.run(arguments, environment: environment)
        }
    )

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        var arguments = arguments
        let json = TopologyOptions.flag("json", in: &arguments)
        let parsed = try ParsedArguments(arguments, knownOptions: ["state"])
        guard parsed.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(parsed.positionals.joined(separator: " "))'")
        }
        let topology = try TopologyOptions.topology(
            parsed, environment: environment, requireBuilt: false)
        guard try PortPlan.recorded(in: topology.state) != nil else {
            Console.error(
                "portalctl status: no topology in \(topology.state.root) (run portalctl up)")
            return ExitStatus.failure
        }

        let status = await topology.status()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            Console.out(status.text)
        }
        return status.healthy ? ExitStatus.success : ExitStatus.failure
    }
}
