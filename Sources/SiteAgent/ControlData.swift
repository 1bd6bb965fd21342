/// What `pg_controldata` says of a stopped server: its state and where its WAL ends, which
/// a demoted primary reports so the standby can be seen to have replayed all of it.
public struct ControlData: Sendable, Equatable {
    /// `shut down`, `shut down in recovery`, `in production`, ...
    public let state: String
    /// The latest checkpoint's location, LSN text `X/Y`: after a clean stop, the end of WAL.
    public let checkpoint: String
    public let timeline: Int64

    /// Reads the fields out of `pg_controldata`'s output.
    public init(parsing output: String) throws(AgentError) {
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let state = fields["Database cluster state"],
            let checkpoint = fields["Latest checkpoint location"],
            let timeline = fields["Latest checkpoint's TimeLineID"].flatMap({ Int64($0) })
        else {
            throw AgentError(
                .commandFailed, "pg_controldata printed no cluster state or checkpoint: \(output)")
        }
        self.state = state
        self.checkpoint = checkpoint
        self.timeline = timeline
    }
}
