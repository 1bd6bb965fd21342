/// The PostgreSQL settings of each site, written to `portal_site.conf` at each start.
enum SiteSettings {
    /// Site A, the primary: archives every segment through the replicator (a success only
    /// once site B holds it durably) and waits for site B's standby at each commit.
    static func primary(
        port: Int, state: StateFolder, programs: Programs
    ) -> [(String, String)] {
        let push =
            "\(programs.replicator) push --config \(state.shipperConfiguration) %p %f"
        return Self.common(port: port, state: state, site: .a) + [
            ("archive_mode", "on"),
            ("archive_command", Self.quoted(push)),
            ("archive_timeout", "'60s'"),
            ("synchronous_commit", "on"),
            ("synchronous_standby_names", Self.quoted(Site.b.applicationName)),
        ]
    }

    /// Site B, the standby: streams from site A through its slot and, when streaming cannot
    /// keep up or breaks, restores segments from the archive the replicator fills.
    static func standby(
        port: Int, primaryPort: Int, state: StateFolder, programs: Programs
    ) -> [(String, String)] {
        let fetch =
            "\(programs.replicator) fetch --config \(state.receiverConfiguration) %f %p"
        let conninfo =
            "host=127.0.0.1 port=\(primaryPort) user=postgres "
            + "application_name=\(Site.b.applicationName)"
        return Self.common(port: port, state: state, site: .b) + [
            ("primary_conninfo", Self.quoted(conninfo)),
            ("primary_slot_name", Self.quoted(Site.b.applicationName)),
            ("restore_command", Self.quoted(fetch)),
            ("hot_standby", "on"),
            ("hot_standby_feedback", "on"),
        ]
    }

    private static func common(port: Int, state: StateFolder, site: Site) -> [(String, String)] {
        [
            ("listen_addresses", "'127.0.0.1'"),
            ("port", String(port)),
            ("unix_socket_directories", Self.quoted(state.socketFolder(site))),
            ("wal_level", "replica"),
            ("max_connections", "200"),
            ("max_wal_senders", "10"),
            ("max_replication_slots", "10"),
            ("wal_log_hints", "on"),
            ("cluster_name", Self.quoted(site.rawValue)),
        ]
    }

    /// A setting's value in single quotes, quotes inside doubled.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
