import Failover
import Foundation

extension LocalTopology {
    /// The node names the coordinator knows (`site_a`, `site_b`).
    public static var nodeNames: [String] { Site.allCases.map(\.applicationName) }

    /// Asks the coordinator for a planned switchover to `node` (the standby when nil): writes
    /// stop on the primary, the standby replays everything, is promoted, and the old primary
    /// follows it. Refuses an unknown node before asking anything.
    public func switchover(to node: String?) throws(TopologyError) -> PrimaryChangeReply {
        var target: NodeName?
        if let node {
            target = try Self.nodeName(node)
        }
        return try self.ask("switchover") { client throws(FailoverHTTPError) in
            try client.post(
                "/v1/switchover", SwitchoverRequest(to: target), as: PrimaryChangeReply.self,
                timeout: .seconds(60))
        }
    }

    /// Asks the coordinator to promote `node` whatever it has received, for an operator who
    /// has chosen to lose what the old primary acknowledged and `node` never got. Refuses
    /// before asking anything unless both `force` and `acceptDataLoss` are given.
    public func failover(
        to node: String, force: Bool, acceptDataLoss: Bool
    ) throws(TopologyError) -> PrimaryChangeReply {
        try Self.checkForcedFailover(to: node, force: force, acceptDataLoss: acceptDataLoss)
        let request = FailoverRequest(
            to: try Self.nodeName(node), force: force, acceptDataLoss: acceptDataLoss)
        return try self.ask("failover") { client throws(FailoverHTTPError) in
            try client.post(
                "/v1/failover", request, as: PrimaryChangeReply.self, timeout: .seconds(60))
        }
    }

    /// Refuses a forced failover to an unknown node or without both `force` and
    /// `acceptDataLoss`, saying what the data loss is.
    public static func checkForcedFailover(
        to node: String, force: Bool, acceptDataLoss: Bool
    ) throws(TopologyError) {
        _ = try Self.nodeName(node)
        guard force, acceptDataLoss else {
            throw TopologyError(
                .invalidArgument,
                "a forced failover needs both --force and --accept-data-loss: it promotes "
                    + "\(node) even when it has not received everything the primary "
                    + "acknowledged, so referrals clinicians were told had been saved may be "
                    + "lost for good, and the old primary's later writes are discarded when "
                    + "it is rewound; use portalctl switchover for a change that loses nothing")
        }
    }

    /// The coordinator's `GET /v1/status`, nil when it does not answer with one.
    public func coordinatorStatus() -> CoordinatorStatus? {
        let client = FailoverHTTPClient(
            endpoint: HTTPEndpoint(host: "127.0.0.1", port: self.ports.coordinator))
        return try? client.get("/v1/status", as: CoordinatorStatus.self, timeout: .seconds(2))
    }

    private static func nodeName(_ node: String) throws(TopologyError) -> NodeName {
        guard let site = Site(node: node) else {
            throw TopologyError(
                .invalidArgument,
                "unknown node '\(node)': the nodes are \(Self.nodeNames.joined(separator: " and "))"
            )
        }
        return try FailoverConfiguration.name(site)
    }

    /// Runs `exchange` against the coordinator, turning its errors into the operator's
    /// terms: not answering, or refusing with its reason.
    private func ask(
        _ what: String,
        _ exchange: (FailoverHTTPClient) throws(FailoverHTTPError) -> PrimaryChangeReply
    ) throws(TopologyError) -> PrimaryChangeReply {
        let client = FailoverHTTPClient(
            endpoint: HTTPEndpoint(host: "127.0.0.1", port: self.ports.coordinator))
        do {
            return try exchange(client)
        } catch  where error.code == .status {
            throw TopologyError(
                .refused,
                "the coordinator refused the \(what) (HTTP \(error.status ?? 0)): "
                    + (error.detail ?? error.message))
        } catch {
            throw TopologyError(
                .commandFailed,
                "the \(what) got no answer from the coordinator on 127.0.0.1:"
                    + "\(self.ports.coordinator) (\(error.message)); is the topology up? see "
                    + self.state.logFile("coordinator"))
        }
    }
}
