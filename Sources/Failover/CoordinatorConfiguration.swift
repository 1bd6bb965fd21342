import Foundation

/// The coordinator's settings, read from a JSON file whose unknown keys are rejected and
/// whose missing keys are named, then checked for sense (two distinct nodes, a lease at
/// least three renewals long).
public struct CoordinatorConfiguration: Sendable, Equatable, Codable {
    public var listen: ListenAddress
    /// Where the coordinator keeps its decisions (term, primary, promotable set).
    public var stateFile: String
    public var nodes: [NodeEndpoint]
    public var leaseMilliseconds: Int
    public var renewMilliseconds: Int
    /// How long a standby may be unreachable, not streaming or too far behind before it
    /// leaves the synchronous set.
    public var degradeGraceMilliseconds: Int
    /// When true, the synchronous set never degrades: writes wait for the standby instead.
    public var strictSynchronous: Bool
    /// How far behind (bytes of WAL) a standby may be and still count as caught up.
    public var catchUpBytes: UInt64

    /// A value with every field given.
    public init(
        listen: ListenAddress, stateFile: String, nodes: [NodeEndpoint],
        leaseMilliseconds: Int = 2000, renewMilliseconds: Int = 100,
        degradeGraceMilliseconds: Int = 5000, strictSynchronous: Bool = false,
        catchUpBytes: UInt64 = 16 << 20
    ) {
        self.listen = listen
        self.stateFile = stateFile
        self.nodes = nodes
        self.leaseMilliseconds = leaseMilliseconds
        self.renewMilliseconds = renewMilliseconds
        self.degradeGraceMilliseconds = degradeGraceMilliseconds
        self.strictSynchronous = strictSynchronous
        self.catchUpBytes = catchUpBytes
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, stateFile, nodes, leaseMilliseconds, renewMilliseconds
        case degradeGraceMilliseconds, strictSynchronous, catchUpBytes
    }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.listen = try container.decode(ListenAddress.self, forKey: .listen)
        self.stateFile = try container.decode(String.self, forKey: .stateFile)
        self.nodes = try container.decode([NodeEndpoint].self, forKey: .nodes)
        self.leaseMilliseconds = try container.decode(Int.self, forKey: .leaseMilliseconds)
        self.renewMilliseconds = try container.decode(Int.self, forKey: .renewMilliseconds)
        self.degradeGraceMilliseconds = try container.decode(
            Int.self, forKey: .degradeGraceMilliseconds)
        self.strictSynchronous = try container.decode(Bool.self, forKey: .strictSynchronous)
        self.catchUpBytes = try container.decode(UInt64.self, forKey: .catchUpBytes)
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
        guard !self.stateFile.isEmpty else {
            throw FailoverError(.invalidConfiguration, "\(source): stateFile is empty")
        }
        guard self.nodes.count == 2 else {
            throw FailoverError(
                .invalidConfiguration,
                "\(source): nodes must list exactly two nodes (a primary and its synchronous "
                    + "standby); it lists \(self.nodes.count)")
        }
        guard self.nodes[0].name != self.nodes[1].name else {
            throw FailoverError(
                .invalidConfiguration, "\(source): node name \(self.nodes[0].name) appears twice")
        }
        for (index, node) in self.nodes.enumerated() {
            try ConfigurationChecks.url(node.agent, "\(source): nodes[\(index)].agent")
            try ConfigurationChecks.port(
                node.postgres.port, "\(source): nodes[\(index)].postgres.port")
        }
        try ConfigurationChecks.timing(
            lease: self.leaseMilliseconds, renew: self.renewMilliseconds, source)
        guard self.degradeGraceMilliseconds >= 0 else {
            throw FailoverError(
                .invalidConfiguration, "\(source): degradeGraceMilliseconds must not be negative")
        }
        guard self.catchUpBytes > 0 else {
            throw FailoverError(.invalidConfiguration, "\(source): catchUpBytes must be positive")
        }
    }

    /// The configured node called `name`, or nil.
    public func node(_ name: NodeName) -> NodeEndpoint? {
        self.nodes.first { $0.name == name }
    }
}
