import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The loopback ports of one topology, laid out from a base port and recorded in the state
/// folder at the first `up`, so that later commands find the same ports whatever the
/// environment says then.
public struct PortPlan: Codable, Sendable, Equatable {
    public let base: Int
    /// HAProxy's front door: the URL the portal is used through.
    public var front: Int { self.base }
    public var postgresA: Int { self.base + 1 }
    public var postgresB: Int { self.base + 2 }
    public var apiA1: Int { self.base + 3 }
    public var apiA2: Int { self.base + 4 }
    public var apiB1: Int { self.base + 5 }
    /// The replicator's receiver at site B (TLS).
    public var receiver: Int { self.base + 6 }
    public var shipperMetrics: Int { self.base + 7 }
    public var receiverMetrics: Int { self.base + 8 }
    /// The demo mail catcher (SMTP).
    public var mail: Int { self.base + 9 }
    /// The failover coordinator (the witness): heartbeats, status, switchover.
    public var coordinator: Int { self.base + 10 }
    /// The agent beside site A's PostgreSQL.
    public var agentA: Int { self.base + 11 }
    /// The agent beside site B's PostgreSQL.
    public var agentB: Int { self.base + 12 }

    /// `site`'s PostgreSQL port.
    public func postgres(_ site: Site) -> Int { site == .a ? self.postgresA : self.postgresB }
    /// The port of `site`'s agent.
    public func agent(_ site: Site) -> Int { site == .a ? self.agentA : self.agentB }

    /// The default base when `PORTAL_BASE_PORT` is unset.
    public static let defaultBase = 55400
    /// How many ports from the base the plan uses.
    public static let width = 13

    /// The plan from `base`; refuses a base whose ports would leave 1024...65535.
    public init(base: Int) throws(TopologyError) {
        guard (1024...(65535 - Self.width)).contains(base) else {
            throw TopologyError(
                .invalidArgument,
                "the base port must be from 1024 to \(65535 - Self.width), not \(base)")
        }
        self.base = base
    }

    /// The base from `PORTAL_BASE_PORT`, or the default.
    public static func fromEnvironment(
        _ environment: [String: String]
    ) throws(TopologyError) -> PortPlan {
        guard let text = environment["PORTAL_BASE_PORT"], !text.isEmpty else {
            return try PortPlan(base: Self.defaultBase)
        }
        guard let base = Int(text) else {
            throw TopologyError(
                .invalidArgument, "PORTAL_BASE_PORT=\(text) is not a port number")
        }
        return try PortPlan(base: base)
    }

    /// The plan recorded in `state`, if any.
    public static func recorded(in state: StateFolder) throws(TopologyError) -> PortPlan? {
        guard let data = FileManager.default.contents(atPath: state.portsFile) else { return nil }
        do {
            return try JSONDecoder().decode(PortPlan.self, from: data)
        } catch {
            throw TopologyError(.storage, "\(state.portsFile) is unreadable: \(error)")
        }
    }

    /// Writes the plan into `state`.
    public func record(in state: StateFolder, account: ServerAccount) throws(TopologyError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        try account.write(String(decoding: data, as: UTF8.self) + "\n", to: state.portsFile)
    }

    /// True when nothing listens on 127.0.0.1:`port` (a bind succeeds).
    public static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0
    }
}
