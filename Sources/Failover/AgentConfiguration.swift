import Foundation

/// A site agent's settings, read from JSON with unknown keys rejected and missing keys
/// named: its node, where it listens, the coordinator, its peers and its PostgreSQL.
public struct AgentConfiguration: Sendable, Equatable, Codable {
    /// How the agent runs its PostgreSQL.
    public struct Postgres: Sendable, Equatable, Codable {
        /// The folder holding `postgres`, `pg_ctl`, `pg_rewind`.
        public var bin: String
        public var data: String
        public var port: Int
        /// The Unix socket folder.
        public var socket: String
        public var log: String
        public var user: String
        public var replicationUser: String

        /// A value with every field given.
        public init(
            bin: String, data: String, port: Int, socket: String, log: String, user: String,
            replicationUser: String
        ) {
            self.bin = bin
            self.data = data
            self.port = port
            self.socket = socket
            self.log = log
            self.user = user
            self.replicationUser = replicationUser
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case bin, data, port, socket, log, user, replicationUser
        }

        /// Decodes the JSON form, refusing values out of their allowed form.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.bin = try container.decode(String.self, forKey: .bin)
            self.data = try container.decode(String.self, forKey: .data)
            self.port = try container.decode(Int.self, forKey: .port)
            self.socket = try container.decode(String.self, forKey: .socket)
            self.log = try container.decode(String.self, forKey: .log)
            self.user = try container.decode(String.self, forKey: .user)
            self.replicationUser = try container.decode(String.self, forKey: .replicationUser)
        }
    }

    public var node: NodeName
    public var listen: ListenAddress
    /// `http://host:port` of the coordinator.
    public var coordinator: String
    public var peers: [NodeEndpoint]
    public var postgres: Postgres
    public var leaseMilliseconds: Int
    public var renewMilliseconds: Int
    /// How long before its lease ends an agent without a renewal fences.
    public var fenceMarginMilliseconds: Int

    /// A value with every field given.
    public init(
        node: NodeName, listen: ListenAddress, coordinator: String, peers: [NodeEndpoint],
        postgres: Postgres, leaseMilliseconds: Int = 2000, renewMilliseconds: Int = 100,
        fenceMarginMilliseconds: Int = 400
    ) {
        self.node = node
        self.listen = listen
        self.coordinator = coordinator
        self.peers = peers
        self.postgres = postgres
        self.leaseMilliseconds = leaseMilliseconds
        self.renewMilliseconds = renewMilliseconds
        self.fenceMarginMilliseconds = fenceMarginMilliseconds
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case node, listen, coordinator, peers, postgres, leaseMilliseconds, renewMilliseconds
        case fenceMarginMilliseconds
    }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.node = try container.decode(NodeName.self, forKey: .node)
        self.listen = try container.decode(ListenAddress.self, forKey: .listen)
        self.coordinator = try container.decode(String.self, forKey: .coordinator)
        self.peers = try container.decode([NodeEndpoint].self, forKey: .peers)
        self.postgres = try container.decode(Postgres.self, forKey: .postgres)
        self.leaseMilliseconds = try container.decode(Int.self, forKey: .leaseMilliseconds)
        self.renewMilliseconds = try container.decode(Int.self, forKey: .renewMilliseconds)
        self.fenceMarginMilliseconds = try container.decode(
            Int.self, forKey: .fenceMarginMilliseconds)
    }

    /// Parses and checks a configuration document; `source` names it in errors.
    public static func parse(_ data: Data, source: String) throws(FailoverError) -> Self {
        let configuration = try StrictJSON.decode(
            Self.self, from: data, what: source, code: .invalidConfiguration)
        try configuration.validate(source: source)
        return configuration
    }

    /// Reads, parses and checks the file at `path`.
    public static func load(path: String) throws(FailoverError) -> Self {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FailoverError(.invalidConfiguration, "cannot read configuration \(path)")
        }
        return try Self.parse(data, source: "configuration \(path)")
    }

    /// Throws naming the first setting that makes no sense.
    public func validate(source: String) throws(FailoverError) {
        try ConfigurationChecks.port(self.listen.port, "\(source): listen.port")
        try ConfigurationChecks.port(self.postgres.port, "\(source): postgres.port")
        try ConfigurationChecks.url(self.coordinator, "\(source): coordinator")
        for (index, peer) in self.peers.enumerated() {
            guard peer.name != self.node else {
                throw FailoverError(
                    .invalidConfiguration,
                    "\(source): peers[\(index)] is this agent's own node \(self.node)")
            }
            try ConfigurationChecks.url(peer.agent, "\(source): peers[\(index)].agent")
        }
        guard Set(self.peers.map(\.name)).count == self.peers.count else {
            throw FailoverError(.invalidConfiguration, "\(source): a peer name appears twice")
        }
        try ConfigurationChecks.timing(
            lease: self.leaseMilliseconds, renew: self.renewMilliseconds, source)
        guard self.fenceMarginMilliseconds > 0,
            self.fenceMarginMilliseconds < self.leaseMilliseconds - self.renewMilliseconds
        else {
            throw FailoverError(
                .invalidConfiguration,
                "\(source): fenceMarginMilliseconds (\(self.fenceMarginMilliseconds)) must be "
                    + "positive and less than leaseMilliseconds minus renewMilliseconds")
        }
    }
}
