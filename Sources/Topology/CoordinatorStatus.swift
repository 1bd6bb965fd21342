import Foundation

/// What the failover coordinator reports at `GET /v1/status`: the term, the primary, the
/// lease and its holder, each node as the coordinator sees it, the synchronous standby
/// names and its latest decisions. Decoded leniently (a field the coordinator leaves out
/// is nil), since `portalctl status` must show what it can of a coordinator in trouble.
public struct CoordinatorStatus: Codable, Sendable, Equatable {
    /// The lease the primary's agent holds.
    public struct Lease: Codable, Sendable, Equatable {
        public let holder: String?
        public let expiresInMilliseconds: Int64?
    }

    /// One node as the coordinator sees it.
    public struct Node: Codable, Sendable, Equatable {
        public let name: String
        /// `primary`, `standby`, `stopped` or `fenced`.
        public let role: String?
        public let reachable: Bool?
        public let lastHeartbeatMillisecondsAgo: Int64?
        public let timeline: Int64?
        /// The node's WAL position as reported (current on a primary, replay on a standby).
        public let lsn: String?
        public let lagBytes: Int64?
        /// The primary's view of this standby: `sync`, `async`, `potential`.
        public let syncState: String?
        /// In the synchronous set with everything acknowledged: it may be promoted.
        public let promotable: Bool?

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.role = try? container.decodeIfPresent(String.self, forKey: .role)
            self.reachable = try? container.decodeIfPresent(Bool.self, forKey: .reachable)
            self.lastHeartbeatMillisecondsAgo = try? container.decodeIfPresent(
                Int64.self, forKey: .lastHeartbeatMillisecondsAgo)
            self.timeline = try? container.decodeIfPresent(Int64.self, forKey: .timeline)
            // A position as text, or an object of positions (current, receive, replay).
            if let text = try? container.decodeIfPresent(String.self, forKey: .lsn) {
                self.lsn = text
            } else if let positions = try? container.decodeIfPresent(
                [String: String?].self, forKey: .lsn)
            {
                self.lsn =
                    ["current", "replay", "receive"].lazy.compactMap {
                        positions[$0] ?? nil
                    }.first
            } else {
                self.lsn = nil
            }
            self.lagBytes = try? container.decodeIfPresent(Int64.self, forKey: .lagBytes)
            self.syncState = try? container.decodeIfPresent(String.self, forKey: .syncState)
            self.promotable = try? container.decodeIfPresent(Bool.self, forKey: .promotable)
        }
    }

    /// One decision the coordinator took, with its reason.
    public struct Decision: Codable, Sendable, Equatable {
        /// When, as the coordinator wrote it (a timestamp or milliseconds).
        public let at: String?
        public let term: Int64?
        public let decision: String?
        public let reason: String?

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let text = try? container.decodeIfPresent(String.self, forKey: .at) {
                self.at = text
            } else if let number = try? container.decodeIfPresent(Double.self, forKey: .at) {
                self.at = number == number.rounded() ? String(Int64(number)) : String(number)
            } else {
                self.at = nil
            }
            self.term = try? container.decodeIfPresent(Int64.self, forKey: .term)
            self.decision = try? container.decodeIfPresent(String.self, forKey: .decision)
            self.reason = try? container.decodeIfPresent(String.self, forKey: .reason)
        }
    }

    public let term: Int64
    public let primary: String?
    public let lease: Lease?
    public let nodes: [Node]
    public let synchronousStandbyNames: String?
    public let strict: Bool?
    /// The latest decisions, oldest first.
    public let decisions: [Decision]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.term = try container.decode(Int64.self, forKey: .term)
        self.primary = try? container.decodeIfPresent(String.self, forKey: .primary)
        self.lease = try? container.decodeIfPresent(Lease.self, forKey: .lease)
        self.nodes = (try? container.decodeIfPresent([Node].self, forKey: .nodes)) ?? []
        self.synchronousStandbyNames = try? container.decodeIfPresent(
            String.self, forKey: .synchronousStandbyNames)
        self.strict = try? container.decodeIfPresent(Bool.self, forKey: .strict)
        self.decisions =
            (try? container.decodeIfPresent([Decision].self, forKey: .decisions)) ?? []
    }

    /// Asks the coordinator on 127.0.0.1:`port`; nil when it does not answer 200 with a
    /// status it can read.
    static func fetch(port: Int) -> CoordinatorStatus? {
        guard let answer = HTTPProbe.get(port: port, path: "/v1/status"), answer.status == 200
        else { return nil }
        return try? JSONDecoder().decode(CoordinatorStatus.self, from: Data(answer.body.utf8))
    }

    /// The node named `name`, if the coordinator knows it.
    public func node(_ name: String) -> Node? {
        self.nodes.first { $0.name == name }
    }
}
