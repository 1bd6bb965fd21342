import Foundation

/// The configuration files of the failover coordinator (the witness) and of the agent beside
/// each site's PostgreSQL, as `portal-coordinator --config` and `portal-agent --config` read
/// them: loopback addresses from the port plan, files under the state folder.
enum FailoverConfiguration {
    /// How long a lease lasts and how often it is renewed: failover within a few seconds of
    /// a lost primary, while a missed renewal or two changes nothing.
    static let leaseMilliseconds = 2000
    static let renewMilliseconds = 100
    /// How long a standby may be down or far behind before writes stop waiting for it.
    static let degradeGraceMilliseconds = 5000
    /// How far behind a standby may be and still be put back in the synchronous set.
    static let catchUpBytes = 16 << 20
    /// How long before its lease ends an agent that could not renew fences its server.
    static let fenceMarginMilliseconds = 400

    /// The coordinator's file: both nodes, their agents and servers, the timing above.
    static func coordinator(state: StateFolder, ports: PortPlan) -> String {
        let nodes: [[String: Any]] = Site.allCases.map { site in
            [
                "name": site.applicationName,
                "agent": "http://127.0.0.1:\(ports.agent(site))",
                "postgres": ["host": "127.0.0.1", "port": ports.postgres(site)],
            ]
        }
        return Self.render([
            "listen": ["host": "127.0.0.1", "port": ports.coordinator],
            "stateFile": state.coordinatorStateFile,
            "nodes": nodes,
            "leaseMilliseconds": Self.leaseMilliseconds,
            "renewMilliseconds": Self.renewMilliseconds,
            "degradeGraceMilliseconds": Self.degradeGraceMilliseconds,
            "strictSynchronous": false,
            "catchUpBytes": Self.catchUpBytes,
        ])
    }

    /// `site`'s agent file: its own server (which it starts and supervises), the other
    /// site as its peer, the coordinator, the timing above.
    static func agent(
        _ site: Site, state: StateFolder, ports: PortPlan, programs: Programs
    ) -> String {
        let peers: [[String: Any]] = Site.allCases.filter { $0 != site }.map { peer in
            [
                "name": peer.applicationName,
                "agent": "http://127.0.0.1:\(ports.agent(peer))",
                "postgres": ["host": "127.0.0.1", "port": ports.postgres(peer)],
            ]
        }
        return Self.render([
            "node": site.applicationName,
            "listen": ["host": "127.0.0.1", "port": ports.agent(site)],
            "coordinator": "http://127.0.0.1:\(ports.coordinator)",
            "peers": peers,
            "postgres": [
                "bin": programs.postgres,
                "data": state.dataFolder(site),
                "port": ports.postgres(site),
                "socket": state.socketFolder(site),
                "log": state.logFile(PostgresSite.processName(site)),
                "user": "postgres",
                "replicationUser": "postgres",
            ],
            "leaseMilliseconds": Self.leaseMilliseconds,
            "renewMilliseconds": Self.renewMilliseconds,
            "fenceMarginMilliseconds": Self.fenceMarginMilliseconds,
        ])
    }

    private static func render(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object,
                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
