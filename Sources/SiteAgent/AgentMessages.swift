import Failover

/// Converts between the agent's own view (facts, instructions) and the contract's wire
/// messages of the `Failover` module.
enum AgentMessages {
    /// The heartbeat message for `facts`.
    static func report(_ facts: AgentFacts) throws(AgentError) -> AgentReport {
        let positions = AgentReport.Positions(
            current: facts.current.flatMap { try? LSN(parsing: $0) },
            receive: facts.receive.flatMap { try? LSN(parsing: $0) },
            replay: facts.replay.flatMap { try? LSN(parsing: $0) })
        let replication = facts.replicas.map { replica in
            AgentReport.Replication(
                node: replica.name, state: replica.state, syncState: replica.syncState,
                flush: replica.flush.flatMap { try? LSN(parsing: $0) },
                replay: replica.replay.flatMap { try? LSN(parsing: $0) })
        }
        return AgentReport(
            node: try Self.name(facts.node), term: Term(UInt64(max(0, facts.term))),
            role: Self.role(facts.role), postgresRunning: facts.postgresRunning,
            timeline: facts.timeline.map { Int($0) }, lsn: positions, replication: replication,
            synchronousStandbyNames: facts.synchronousStandbyNames, event: facts.event)
    }

    /// What `reply` tells the agent of `node`: the lease only when it is the holder.
    static func instruction(_ reply: CoordinatorReply, node: String) -> Instruction {
        let lease = reply.lease.flatMap { grant in
            grant.holder.rawValue == node ? Duration.milliseconds(grant.validForMilliseconds) : nil
        }
        let action: Instruction.Action
        switch reply.action {
        case .none: action = .none
        case .promote(let term): action = .promote(term: Int64(term.value))
        case .follow(let primary, let host, let port, let rewind):
            action = .follow(primary: primary.rawValue, host: host, port: port, rewind: rewind)
        case .fence(let reason): action = .fence(reason: reason)
        case .demote(let reason): action = .demote(reason: reason)
        }
        return Instruction(
            term: Int64(reply.term.value), primary: reply.primary?.rawValue, lease: lease,
            action: action, synchronousStandbyNames: reply.synchronousStandbyNames)
    }

    static func role(_ role: AgentRole) -> NodeRole {
        switch role {
        case .primary: .primary
        case .standby: .standby
        case .stopped: .stopped
        case .fenced: .fenced
        }
    }

    static func name(_ text: String) throws(AgentError) -> NodeName {
        do {
            return try NodeName(text)
        } catch {
            throw AgentError(.invalidConfiguration, error.message)
        }
    }
}
