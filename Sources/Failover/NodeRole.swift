/// What an agent says its PostgreSQL is doing.
public enum NodeRole: String, Sendable, Codable, CaseIterable {
    /// Running, writable, holding (or asking for) the lease.
    case primary
    /// Running in recovery, following the primary.
    case standby
    /// Not running: demoted, shut down, or given up after failed restarts.
    case stopped
    /// Stopped by the agent because its lease ran out; refuses to start until told.
    case fenced
}
