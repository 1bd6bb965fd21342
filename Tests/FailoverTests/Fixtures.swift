import Foundation

@testable import Failover

/// Values the state machine tests share: two nodes, a 2 s lease renewed every 100 ms, a
/// 5 s grace, and heartbeats as agents would send them.
enum Fixtures {
    static let a = try! NodeName("site_a")
    static let b = try! NodeName("site_b")
    static let utc = "2026-01-01T00:00:00Z"

    static func settings(strict: Bool = false) -> ClusterSettings {
        ClusterSettings(
            CoordinatorConfiguration(
                listen: ListenAddress(host: "127.0.0.1", port: 55410), stateFile: "/unused",
                nodes: [
                    NodeEndpoint(
                        name: a, agent: "http://127.0.0.1:55411",
                        postgres: PostgresAddress(host: "127.0.0.1", port: 55401)),
                    NodeEndpoint(
                        name: b, agent: "http://127.0.0.1:55412",
                        postgres: PostgresAddress(host: "127.0.0.1", port: 55402)),
                ],
                leaseMilliseconds: 2000, renewMilliseconds: 100, degradeGraceMilliseconds: 5000,
                strictSynchronous: strict, catchUpBytes: 1000))
    }

    static func at(_ milliseconds: Int64) -> MonotonicInstant {
        MonotonicInstant(milliseconds: milliseconds)
    }

    /// A primary's heartbeat; `standby` describes its replication row for the other node.
    static func primary(
        _ node: NodeName, term: UInt64, current: UInt64 = 10_000,
        standby: (state: String, sync: String, flush: UInt64)? = ("streaming", "sync", 10_000),
        names: String? = nil, running: Bool = true
    ) -> AgentReport {
        let peer = node == a ? b : a
        let rows =
            standby.map {
                [
                    AgentReport.Replication(
                        node: peer.rawValue, state: $0.state, syncState: $0.sync,
                        flush: LSN($0.flush), replay: LSN($0.flush))
                ]
            } ?? []
        return AgentReport(
            node: node, term: Term(term), role: .primary, postgresRunning: running, timeline: 1,
            lsn: .init(current: LSN(current)), replication: rows,
            synchronousStandbyNames: names ?? "")
    }

    static func standby(
        _ node: NodeName, term: UInt64, replay: UInt64 = 10_000, running: Bool = true
    ) -> AgentReport {
        AgentReport(
            node: node, term: Term(term), role: .standby, postgresRunning: running, timeline: 1,
            lsn: .init(receive: LSN(replay), replay: LSN(replay)))
    }

    static func report(
        _ node: NodeName, term: UInt64, role: NodeRole, current: UInt64? = nil
    ) -> AgentReport {
        AgentReport(
            node: node, term: Term(term), role: role, postgresRunning: role == .primary,
            timeline: nil, lsn: .init(current: current.map(LSN.init)))
    }

    /// A cluster started at 0 that elected site_a at 2000 ms; the clock is then at 2000.
    static func electedCluster(strict: Bool = false) throws -> ClusterState {
        var state = ClusterState(
            settings: settings(strict: strict), durable: DurableState(), startedAt: at(0))
        _ = try state.heartbeat(primary(a, term: 0, standby: nil), at: at(1900), utc: utc)
        _ = try state.heartbeat(standby(b, term: 0), at: at(1900), utc: utc)
        let decisions = state.tick(at: at(2000), utc: utc)
        precondition(decisions.map(\.kind) == [.elect])
        return state
    }

    /// An elected cluster whose standby site_b is back in the set and promotable; the
    /// clock is at 2300 and site_a holds a lease renewed at 2300.
    static func healthyCluster(strict: Bool = false) throws -> ClusterState {
        var state = try electedCluster(strict: strict)
        _ = try state.heartbeat(primary(a, term: 1), at: at(2100), utc: utc)
        _ = try state.heartbeat(standby(b, term: 1), at: at(2100), utc: utc)
        _ = state.tick(at: at(2100), utc: utc)
        _ = try state.heartbeat(primary(a, term: 1, names: "site_b"), at: at(2200), utc: utc)
        _ = state.tick(at: at(2200), utc: utc)
        _ = try state.heartbeat(primary(a, term: 1, names: "site_b"), at: at(2300), utc: utc)
        _ = try state.heartbeat(standby(b, term: 1), at: at(2300), utc: utc)
        precondition(state.durable.isPromotable(b))
        return state
    }
}
