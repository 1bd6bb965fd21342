/// A TCP address a server listens on.
public struct ListenAddress: Sendable, Equatable, Codable {
    public var host: String
    public var port: Int

    /// A value with every field given.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case host, port }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.host = try container.decode(String.self, forKey: .host)
        self.port = try container.decode(Int.self, forKey: .port)
    }
}

/// Where a PostgreSQL server listens, as clients and standbys reach it: the same
/// host-and-port shape, with the same JSON form.
public typealias PostgresAddress = ListenAddress

/// A database node as others reach it: its name, its agent's base URL and its PostgreSQL.
public struct NodeEndpoint: Sendable, Equatable, Codable {
    public var name: NodeName
    /// `http://host:port` of the node's agent.
    public var agent: String
    public var postgres: PostgresAddress

    /// A value with every field given.
    public init(name: NodeName, agent: String, postgres: PostgresAddress) {
        self.name = name
        self.agent = agent
        self.postgres = postgres
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case name, agent, postgres }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(NodeName.self, forKey: .name)
        self.agent = try container.decode(String.self, forKey: .agent)
        self.postgres = try container.decode(PostgresAddress.self, forKey: .postgres)
    }
}

/// Checks shared by both configurations.
enum ConfigurationChecks {
    static func port(_ port: Int, _ what: String) throws(FailoverError) {
        guard (1...65_535).contains(port) else {
            throw FailoverError(.invalidConfiguration, "\(what) \(port) is not in 1...65535")
        }
    }

    static func url(_ text: String, _ what: String) throws(FailoverError) {
        do {
            _ = try HTTPEndpoint(parsing: text)
        } catch {
            throw FailoverError(.invalidConfiguration, "\(what): \(error.message)")
        }
    }

    static func timing(
        lease: Int, renew: Int, _ source: String
    ) throws(FailoverError) {
        guard renew > 0, lease > 0 else {
            throw FailoverError(
                .invalidConfiguration,
                "\(source): leaseMilliseconds and renewMilliseconds must be positive")
        }
        guard lease >= 3 * renew else {
            throw FailoverError(
                .invalidConfiguration,
                "\(source): leaseMilliseconds (\(lease)) must be at least three times "
                    + "renewMilliseconds (\(renew)) so one lost heartbeat does not fence")
        }
    }
}
