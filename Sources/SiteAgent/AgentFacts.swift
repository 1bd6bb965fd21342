/// The role the agent reports for its node.
public enum AgentRole: String, Sendable, Equatable {
    case primary
    case standby
    /// PostgreSQL is down and the agent has given up on it (failed restarts, a demotion).
    case stopped
    /// The agent stopped PostgreSQL because its lease was ending unrenewed.
    case fenced
}

/// Everything one heartbeat reports, before it is put into the wire message.
public struct AgentFacts: Sendable, Equatable {
    public var node: String
    public var term: Int64
    public var role: AgentRole
    public var postgresRunning: Bool
    public var timeline: Int64?
    public var current: String?
    public var receive: String?
    public var replay: String?
    public var replicas: [LocalStatus.Replica]
    public var synchronousStandbyNames: String?
    public var event: String?
}

/// What the coordinator's reply tells this agent, out of the wire message.
public struct Instruction: Sendable, Equatable {
    /// The one action a reply may carry.
    public enum Action: Sendable, Equatable {
        case none
        case promote(term: Int64)
        case follow(primary: String, host: String, port: Int, rewind: Bool)
        case fence(reason: String)
        case demote(reason: String)
    }

    public var term: Int64
    public var primary: String?
    /// The lease granted to this agent, when it is the holder.
    public var lease: Duration?
    public var action: Action
    /// What the primary must apply; nil when the reply says nothing of it.
    public var synchronousStandbyNames: String?
}
