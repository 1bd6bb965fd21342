import Failover
import Foundation
import Topology

/// `portalctl switchover [--state DIR] [--to NODE]`: a planned change of primary that loses
/// nothing, asked of the failover coordinator.
enum SwitchoverCommand {
    static let subcommand = Subcommand(
        name: "switchover",
        summary: "make the standby the primary, losing nothing (writes blocked briefly)",
        usage: """
            usage: portalctl switchover [--state DIR] [--to NODE]

            \(TopologyOptions.stateHelp)
              --to NODE     the node to promote: \(FailoverCommand.nodes)
                            (default: the standby)

            The coordinator stops writes on the primary, waits until the standby has replayed
            everything, promotes it, and makes the old primary follow it. Prints the new term,
            the new primary and how long writes were blocked. Refused (exit 1, nothing
            changed) when the standby is not in the synchronous set or cannot be reached.
            """,
        run: { arguments, environment in
            try await SwitchoverCommand.run(arguments, environment: environment)
        }
    )

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        let parsed = try ParsedArguments(arguments, knownOptions: ["state", "to"])
        guard parsed.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(parsed.positionals.joined(separator: " "))'")
        }
        if let node = parsed.options["to"], !LocalTopology.nodeNames.contains(node) {
            throw UsageError(
                "unknown node '\(node)' for --to: the nodes are "
                    + LocalTopology.nodeNames.joined(separator: " and "))
        }
        let topology = try TopologyOptions.topology(
            parsed, environment: environment, requireBuilt: false)
        guard try PortPlan.recorded(in: topology.state) != nil else {
            Console.error(
                "portalctl switchover: no topology in \(topology.state.root) (run portalctl up)")
            return ExitStatus.failure
        }

        let change = try topology.switchover(to: parsed.options["to"])
        Console.out(
            "switchover done: \(change.primary) is primary in term \(change.term); writes were "
                + "blocked for \(change.blockedMilliseconds) ms")
        return ExitStatus.success
    }
}
