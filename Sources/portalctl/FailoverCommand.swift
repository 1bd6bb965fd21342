import Failover
import Foundation
import Topology

/// `portalctl failover --to NODE --force --accept-data-loss [--state DIR]`: promotes a node
/// the coordinator would not choose itself, recorded as a forced decision with data loss
/// accepted.
enum FailoverCommand {
    static let subcommand = Subcommand(
        name: "failover",
        summary: "force NODE to be primary even if it is behind (may lose acknowledged writes)",
        usage: """
            usage: portalctl failover --to NODE --force --accept-data-loss [--state DIR]

            \(TopologyOptions.stateHelp)
              --to NODE             the node to promote: \(Self.nodes)
              --force               promote it even though the coordinator would not
              --accept-data-loss    you accept that referrals the old primary acknowledged
                                    and NODE never received are lost for good

            For an operator who has chosen an out-of-date standby over waiting for the
            primary to come back. The coordinator records the decision as forced, with data
            loss accepted. Without both flags nothing is asked and nothing changes; use
            portalctl switchover for a change that loses nothing.
            """,
        run: { arguments, environment in
            try await FailoverCommand.run(arguments, environment: environment)
        }
    )

    /// The node names, for the usage text.
    static let nodes = LocalTopology.nodeNames.joined(separator: " or ")

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        var arguments = arguments
        let force = TopologyOptions.flag("force", in: &arguments)
        let acceptDataLoss = TopologyOptions.flag("accept-data-loss", in: &arguments)
        let parsed = try ParsedArguments(arguments, knownOptions: ["state", "to"])
        guard parsed.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(parsed.positionals.joined(separator: " "))'")
        }
        guard let node = parsed.options["to"] else {
            throw UsageError("--to NODE is required (\(Self.nodes))")
        }
        do {
            try LocalTopology.checkForcedFailover(
                to: node, force: force, acceptDataLoss: acceptDataLoss)
        } catch {
            throw UsageError(error.message)
        }
        let topology = try TopologyOptions.topology(
            parsed, environment: environment, requireBuilt: false)
        guard try PortPlan.recorded(in: topology.state) != nil else {
            Console.error(
                "portalctl failover: no topology in \(topology.state.root) (run portalctl up)")
            return ExitStatus.failure
        }

        let change = try topology.failover(
            to: node, force: force, acceptDataLoss: acceptDataLoss)
        Console.out(
            "forced failover done: \(change.primary) is primary in term \(change.term), "
                + "recorded as forced with data loss accepted")
        return ExitStatus.success
    }
}
