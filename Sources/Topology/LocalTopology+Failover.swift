import Foundation

extension LocalTopology {
    /// What the coordinator answered to a switchover or a forced failover.
    public struct RoleChange: Codable, Sendable, Equatable {
        public let term: Int64
        public let primary: String
        /// How long writes were refused (switchover only).
        public let blockedMilliseconds: Int64?
    }

    /// The node names the coordinator knows (`site_a`, `site_b`).
    public static var nodeNames: [String] { Site.allCases.map(\.applicationName) }

    /// Asks the coordinator for a planned switchover to `node` (the standby when nil): writes
    /// stop on the primary, the standby replays everything, is promoted, and the old primary
    /// follows it. Refuses an unknown node before asking anything.
    public func switchover(to node: String?) throws(TopologyError) -> RoleChange {
        var body = "{}"
        if let node {
            try Self.checkNode(node)
            body = #"{"to":"\#(node)"}"#
        }
        return try self.post("/v1/switchover", body: body, what: "switchover")
    }

    /// Asks the coordinator to promote `node` whatever it has received, for an operator who
    /// has chosen to lose what the old primary acknowledged and `node` never got. Refuses
    /// before asking anything unless both `force` and `acceptDataLoss` are given.
    public func failover(
        to node: String, force: Bool, acceptDataLoss: Bool
    ) throws(TopologyError) -> RoleChange {
        try Self.checkForcedFailover(to: node, force: force, acceptDataLoss: acceptDataLoss)
        let body = #"{"to":"\#(node)","force":true,"acceptDataLoss":true}"#
        return try self.post("/v1/failover", body: body, what: "failover")
    }

    /// Refuses a forced failover to an unknown node or without both `force` and
    /// `acceptDataLoss`, saying what the data loss is.
    public static func checkForcedFailover(
        to node: String, force: Bool, acceptDataLoss: Bool
    ) throws(TopologyError) {
        try Self.checkNode(node)
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

    /// The coordinator's status, nil when it does not answer.
    public func coordinatorStatus() -> CoordinatorStatus? {
        CoordinatorStatus.fetch(port: self.ports.coordinator)
    }

    private static func checkNode(_ node: String) throws(TopologyError) {
        guard Self.nodeNames.contains(node) else {
            throw TopologyError(
                .invalidArgument,
                "unknown node '\(node)': the nodes are \(Self.nodeNames.joined(separator: " and "))"
            )
        }
    }

    private func post(
        _ path: String, body: String, what: String
    ) throws(TopologyError) -> RoleChange {
        guard
            let answer = HTTPProbe.post(
                port: self.ports.coordinator, path: path, json: body, timeout: .seconds(60))
        else {
            throw TopologyError(
                .commandFailed,
                "the coordinator on 127.0.0.1:\(self.ports.coordinator) did not answer the "
                    + "\(what) (is the topology up? see \(self.state.logFile("coordinator")))")
        }
        guard answer.status == 200 else {
            throw TopologyError(
                .refused,
                "the coordinator refused the \(what) (HTTP \(answer.status)): "
                    + Self.problem(answer.body))
        }
        do {
            return try JSONDecoder().decode(RoleChange.self, from: Data(answer.body.utf8))
        } catch {
            throw TopologyError(
                .commandFailed,
                "the coordinator's answer to the \(what) is unreadable: \(answer.body)")
        }
    }

    /// The detail (or title) of a problem+json body, else the body itself.
    private static func problem(_ body: String) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        if let detail = object?["detail"] as? String { return detail }
        if let title = object?["title"] as? String { return title }
        return body.isEmpty ? "no reason given" : body
    }
}
