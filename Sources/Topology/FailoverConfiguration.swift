import Failover
import Foundation

/// The configuration files of the failover coordinator (the witness) and of the agent beside
/// each site's PostgreSQL, made from the Failover module's own configuration types (so a
/// file `up` writes is one `portal-coordinator` and `portal-agent` accept): loopback
/// addresses from the port plan, files under the state folder.
enum FailoverConfiguration {
    /// How long a lease lasts and how often it is renewed: failover within a few seconds of
    /// a lost primary, while a missed renewal or two changes nothing.
    static let leaseMilliseconds = 2000
    static let renewMilliseconds = 100
    /// How long a standby may be down or far behind before writes stop waiting for it.
    static let degradeGraceMilliseconds = 5000
    /// How far behind a standby may be and still be put back in the synchronous set.
    static let catchUpBytes: UInt64 = 16 << 20
    /// How long before its lease ends an agent that could not renew fences its server.
    static let fenceMarginMilliseconds = 400

    /// The coordinator's settings: both nodes, their agents and servers, the timing above.
    static func coordinator(
        state: StateFolder, ports: PortPlan
    ) throws(TopologyError) -> CoordinatorConfiguration {
        CoordinatorConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: ports.coordinator),
            stateFile: state.coordinatorStateFile,
            nodes: try Site.allCases.map { site throws(TopologyError) in
                try Self.endpoint(site, ports: ports)
            },
            leaseMilliseconds: Self.leaseMilliseconds, renewMilliseconds: Self.renewMilliseconds,
            degradeGraceMilliseconds: Self.degradeGraceMilliseconds, strictSynchronous: false,
            catchUpBytes: Self.catchUpBytes)
    }

    /// `site`'s agent settings: its own server (which it starts and supervises), the other
    /// site as its peer, the coordinator, the timing above.
    static func agent(
        _ site: Site, state: StateFolder, ports: PortPlan, programs: Programs
    ) throws(TopologyError) -> AgentConfiguration {
        AgentConfiguration(
            node: try Self.name(site),
            listen: ListenAddress(host: "127.0.0.1", port: ports.agent(site)),
            coordinator: "http://127.0.0.1:\(ports.coordinator)",
            peers: [try Self.endpoint(site.peer, ports: ports)],
            postgres: AgentConfiguration.Postgres(
                bin: programs.postgres, data: state.dataFolder(site), port: ports.postgres(site),
                socket: state.socketFolder(site),
                log: state.logFile(PostgresSite.processName(site)), user: "postgres",
                replicationUser: "postgres"),
            leaseMilliseconds: Self.leaseMilliseconds, renewMilliseconds: Self.renewMilliseconds,
            fenceMarginMilliseconds: Self.fenceMarginMilliseconds)
    }

    /// `value` as the JSON file the executables read: keys sorted, one per line.
    static func render(_ value: some Encodable) throws(TopologyError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        } catch {
            throw TopologyError(.storage, "cannot encode a failover configuration: \(error)")
        }
    }

    /// The node name of `site` (`site_a`), as the Failover module spells it.
    static func name(_ site: Site) throws(TopologyError) -> NodeName {
        do {
            return try NodeName(site.applicationName)
        } catch {
            throw TopologyError(.invalidArgument, error.message)
        }
    }

    private static func endpoint(
        _ site: Site, ports: PortPlan
    ) throws(TopologyError) -> NodeEndpoint {
        NodeEndpoint(
            name: try Self.name(site), agent: "http://127.0.0.1:\(ports.agent(site))",
            postgres: PostgresAddress(host: "127.0.0.1", port: ports.postgres(site)))
    }
}
