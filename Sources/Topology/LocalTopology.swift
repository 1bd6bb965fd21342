import Foundation

/// The local two-site topology under one state folder: site A and site B, each with a
/// PostgreSQL server started and supervised by its failover agent (one primary, one
/// synchronous standby, as the coordinator decides), API nodes (two at A, one at B), the
/// replicator's shipper (A) and receiver with the WAL archive (B), the failover coordinator
/// as the witness, HAProxy in front and a demo mail catcher.
public struct LocalTopology: Sendable {
    public let state: StateFolder
    public let ports: PortPlan
    public let programs: Programs
    public let account: ServerAccount
    /// The checkout holding migrations/, scripts/ and web/.
    public let source: String
    public let supervisor: Supervisor
    public let primary: PostgresSite
    public let standby: PostgresSite

    /// The topology in `state` on `ports`, running `programs` as `account`, with the
    /// migrations, scripts and web pages of the checkout at `source`. Starts nothing.
    public init(
        state: StateFolder, ports: PortPlan, programs: Programs, account: ServerAccount,
        source: String
    ) {
        self.state = state
        self.ports = ports
        self.programs = programs
        self.account = account
        self.source = source
        self.supervisor = Supervisor(state: state, account: account)
        self.primary = PostgresSite(
            .a, port: ports.postgresA, state: state, programs: programs, account: account)
        self.standby = PostgresSite(
            .b, port: ports.postgresB, state: state, programs: programs, account: account)
    }

    /// The portal's URL, through HAProxy.
    public var url: String { "http://127.0.0.1:\(self.ports.front)/" }

    /// Both sites' PostgreSQL.
    public var sites: [PostgresSite] { [self.primary, self.standby] }

    /// The site `site`'s PostgreSQL.
    public func site(_ site: Site) -> PostgresSite { site == .a ? self.primary : self.standby }

    /// Every resident process, in start order. PostgreSQL is listed for its checks but
    /// started by its site's agent, never by `up` itself.
    public var components: [Component] {
        let replicator = self.programs.replicator
        var list: [Component] = [
            Component(
                name: "replicator-receive",
                ports: [self.ports.receiver, self.ports.receiverMetrics],
                check: .http(port: self.ports.receiverMetrics, path: "/metrics"),
                command: [replicator, "receive", "--config", self.state.receiverConfiguration]),
            Component(
                name: "replicator-ship", ports: [self.ports.shipperMetrics],
                check: .http(port: self.ports.shipperMetrics, path: "/metrics"),
                command: [replicator, "ship", "--config", self.state.shipperConfiguration]),
            Component(
                name: "coordinator", ports: [self.ports.coordinator],
                check: .http(port: self.ports.coordinator, path: "/v1/status"),
                command: [
                    self.programs.coordinator, "--config", self.state.coordinatorConfiguration,
                ]),
        ]
        for site in self.sites {
            list.append(
                Component(
                    name: site.agentName, ports: [self.ports.agent(site.site)],
                    check: .accepts(port: self.ports.agent(site.site)),
                    command: [
                        self.programs.agent, "--config",
                        self.state.agentConfiguration(site.site),
                    ]))
        }
        for site in self.sites {
            list.append(
                Component(
                    name: site.processName, ports: [site.port], check: .postgres(port: site.port),
                    command: nil))
        }
        list.append(
            Component(
                name: "mail", ports: [self.ports.mail], check: .accepts(port: self.ports.mail),
                command: [
                    self.programs.python, self.source + "/scripts/demo-mail.py",
                    String(self.ports.mail),
                ]))
        for node in APINode.all(self.ports) {
            list.append(
                Component(
                    name: node.name, ports: [node.port],
                    check: .http(port: node.port, path: "/readyz"),
                    command: [self.programs.portalAPI]))
        }
        list.append(
            Component(
                name: "haproxy", ports: [self.ports.front],
                check: .http(port: self.ports.front, path: "/readyz"),
                command: [self.programs.haproxy, "-db", "-f", self.state.haproxyConfiguration]))
        return list
    }

    /// The component called `name`.
    func component(_ name: String) -> Component? {
        self.components.first { $0.name == name }
    }

    /// The record of `component` when its process runs.
    public func running(_ component: Component) -> ProcessRecord? {
        switch component.name {
        case self.primary.processName: self.primary.postmaster
        case self.standby.processName: self.standby.postmaster
        default: self.supervisor.running(component.name)
        }
    }
}

/// One resident process of the topology and how its health is checked.
public struct Component: Sendable {
    /// How `status` and `up` decide that a running process also works.
    public enum Check: Sendable {
        /// GET `path` answers 200.
        case http(port: Int, path: String)
        /// A TCP connection is accepted.
        case accepts(port: Int)
        /// PostgreSQL answers a query.
        case postgres(port: Int)
    }

    public let name: String
    /// The loopback ports it listens on, which must be free before it starts.
    public let ports: [Int]
    public let check: Check
    /// Its command line, the program first; nil for PostgreSQL, started by its agent.
    public let command: [String]?
}
