import Failover

extension AgentSettings {
    /// The settings of a configuration the `Failover` module has parsed and checked.
    public init(_ configuration: AgentConfiguration) {
        self.node = configuration.node.rawValue
        self.listenHost = configuration.listen.host
        self.listenPort = configuration.listen.port
        self.coordinator = configuration.coordinator
        self.peers = configuration.peers.map { peer in
            Peer(
                name: peer.name.rawValue, agent: peer.agent, host: peer.postgres.host,
                port: peer.postgres.port)
        }
        let postgres = configuration.postgres
        self.postgres = Postgres(
            bin: postgres.bin, data: postgres.data, port: postgres.port, socket: postgres.socket,
            log: postgres.log, user: postgres.user, replicationUser: postgres.replicationUser)
        self.lease = .milliseconds(configuration.leaseMilliseconds)
        self.renew = .milliseconds(configuration.renewMilliseconds)
        self.fenceMargin = .milliseconds(configuration.fenceMarginMilliseconds)
    }
}
