import Foundation

/// The local two-site topology under one state folder: site A (the PostgreSQL primary, two
/// API nodes, the replicator's shipper), site B (the synchronous standby, one API node, the
/// replicator's receiver and the WAL archive), HAProxy in front and a demo mail catcher.
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

    /// Every resident process, in start order; `down` stops them in reverse.
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
                name: self.primary.processName, ports: [self.ports.postgresA],
                check: .postgres(port: self.ports.postgresA), command: nil),
            Component(
                name: self.standby.processName, ports: [self.ports.postgresB],
                check: .postgres(port: self.ports.postgresB), command: nil),
            Component(
                name: "mail", ports: [self.ports.mail], check: .accepts(port: self.ports.mail),
                command: [
                    self.programs.python, self.source + "/scripts/demo-mail.py",
                    String(self.ports.mail),
                ]),
        ]
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
    /// Its command line, the program first; nil for PostgreSQL, started by pg_ctl.
    public let command: [String]?
}
