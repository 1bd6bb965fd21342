/// What the coordinator tells an agent to do, encoded as `{"kind": ..., ...}`.
public enum Action: Sendable, Equatable, Codable {
    /// Carry on as you are.
    case none
    /// Promote your standby (`pg_promote(true)`); you become primary in `term`. Sent to
    /// the recorded primary that fenced itself when no standby may take over, it means
    /// "start PostgreSQL again as primary in `term`": no other node holds the data.
    case promote(term: Term)
    /// Become a standby of `primary` at `host:port`; run `pg_rewind` first when `rewind`.
    case follow(primary: NodeName, host: String, port: Int, rewind: Bool)
    /// Stop PostgreSQL at once: you must not accept writes.
    case fence(reason: String)
    /// Stop PostgreSQL fast and report `stopped` with your final LSN (a switchover).
    case demote(reason: String)

    /// The `kind` text of the action.
    public var kind: String {
        switch self {
        case .none: "none"
        case .promote: "promote"
        case .follow: "follow"
        case .fence: "fence"
        case .demote: "demote"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, term, primary, host, port, rewind, reason
    }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "none":
            self = .none
        case "promote":
            self = .promote(term: try container.decode(Term.self, forKey: .term))
        case "follow":
            self = .follow(
                primary: try container.decode(NodeName.self, forKey: .primary),
                host: try container.decode(String.self, forKey: .host),
                port: try container.decode(Int.self, forKey: .port),
                rewind: try container.decode(Bool.self, forKey: .rewind))
        case "fence":
            self = .fence(reason: try container.decode(String.self, forKey: .reason))
        case "demote":
            self = .demote(reason: try container.decode(String.self, forKey: .reason))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription:
                    "action kind '\(kind)' is not one of none, promote, follow, fence, demote")
        }
    }

    /// Encodes the JSON form the protocol uses.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.kind, forKey: .kind)
        switch self {
        case .none:
            break
        case .promote(let term):
            try container.encode(term, forKey: .term)
        case .follow(let primary, let host, let port, let rewind):
            try container.encode(primary, forKey: .primary)
            try container.encode(host, forKey: .host)
            try container.encode(port, forKey: .port)
            try container.encode(rewind, forKey: .rewind)
        case .fence(let reason), .demote(let reason):
            try container.encode(reason, forKey: .reason)
        }
    }
}
