/// An `http://host:port` base URL, as configurations name agents and the coordinator.
public struct HTTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    /// The endpoint `host:port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `http://host:port` (a trailing `/` allowed); throws `invalidURL` otherwise.
    public init(parsing text: String) throws(FailoverHTTPError) {
        let prefix = "http://"
        guard text.hasPrefix(prefix) else {
            throw FailoverHTTPError(
                .invalidURL, "'\(text)' must start with http:// (https is not used on loopback)")
        }
        var rest = Substring(text.dropFirst(prefix.count))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), colon != rest.startIndex,
            let port = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(port)
        else {
            throw FailoverHTTPError(.invalidURL, "'\(text)' must be http://host:port")
        }
        let host = String(rest[..<colon])
        guard !host.contains("/"), !host.contains("@") else {
            throw FailoverHTTPError(.invalidURL, "'\(text)' must be http://host:port, no path")
        }
        self.host = host
        self.port = port
    }

    public var description: String { "http://\(self.host):\(self.port)" }
}
