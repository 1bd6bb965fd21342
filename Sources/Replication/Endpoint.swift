/// A TCP host and port from configuration (`{"host": "127.0.0.1", "port": 7433}`).
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// An IPv4 address (names are not resolved) and a port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init(_ object: ConfigurationObject, extraKeys: Set<String> = []) throws(ReplicatorError) {
        try object.allowOnly(Set(["host", "port"]).union(extraKeys))
        self.host = try object.string("host")
        self.port = try object.integer("port", in: 0...65_535)
    }

    public var description: String { "\(self.host):\(self.port)" }
}
