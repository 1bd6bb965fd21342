/// Turns a stopped data folder into a standby of a new primary: `pg_rewind` from the
/// primary when the histories diverged, then `standby.signal`, `primary_conninfo`
/// (`application_name` = this node) and `primary_slot_name` = this node.
///
/// `pg_rewind` copies the source's configuration files over the target's, which would give
/// this node the other's port and settings, so the node's own `*.conf` files are saved
/// before and put back after.
struct Rejoin: Sendable {
    let node: String
    let folder: DataFolder
    let tools: ToolRunner
    let replicationUser: String

    /// Rewinds (when `rewind`) and configures the folder to follow `host`:`port`. Returns
    /// what pg_rewind said, for the log.
    @discardableResult
    func follow(host: String, port: Int, rewind: Bool) async throws(AgentError) -> String {
        var said = ""
        if rewind {
            let saved = try self.folder.configurationFiles()
            let source =
                "host=\(host) port=\(port) user=\(self.replicationUser) dbname=postgres"
                + " connect_timeout=5"
            said = try await self.tools.check(
                "pg_rewind", ["-D", self.folder.path, "--source-server=\(source)"],
                timeout: .seconds(300))
            try self.folder.restore(saved)
        }
        try self.folder.configureStandby(
            node: self.node, host: host, port: port, user: self.replicationUser)
        return said
    }

    /// What `pg_controldata` says of the stopped folder.
    func controlData() async throws(AgentError) -> ControlData {
        let output = try await self.tools.check(
            "pg_controldata", ["-D", self.folder.path], timeout: .seconds(30))
        return try ControlData(parsing: output)
    }
}
