/// The PostgreSQL settings of each site, written to `portal_site.conf` at each `up`.
///
/// They hold for either role, since the failover coordinator, not `up`, decides which site
/// is primary: each site names the other as the server it streams from when it is a
/// standby (ignored while it is primary), under its own node name as `application_name`
/// and slot. `synchronous_standby_names` is left to the primary's agent, which applies
/// what the coordinator decides.
enum SiteSettings {
    /// `site`'s settings. Site A archives every segment through the replicator (a success
    /// only once site B holds it durably); site B restores from that archive when streaming
    /// cannot keep up or breaks.
    static func site(
        _ site: Site, ports: PortPlan, state: StateFolder, programs: Programs
    ) -> [(String, String)] {
        let conninfo =
            "host=127.0.0.1 port=\(ports.postgres(site.peer)) user=postgres "
            + "application_name=\(site.applicationName)"
        var settings =
            Self.common(port: ports.postgres(site), state: state, site: site) + [
                ("synchronous_commit", "on"),
                ("primary_conninfo", Self.quoted(conninfo)),
                ("primary_slot_name", Self.quoted(site.applicationName)),
                ("hot_standby", "on"),
                ("hot_standby_feedback", "on"),
            ]
        switch site {
        case .a:
            let push =
                "\(programs.replicator) push --config \(state.shipperConfiguration) %p %f"
            settings += [
                ("archive_mode", "on"),
                ("archive_command", Self.quoted(push)),
                ("archive_timeout", "'60s'"),
            ]
        case .b:
            let fetch =
                "\(programs.replicator) fetch --config \(state.receiverConfiguration) %f %p"
            settings.append(("restore_command", Self.quoted(fetch)))
        }
        return settings
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
            // pg_rewind reads the old primary's WAL back to the last checkpoint before the
            // histories diverged; archiving would otherwise have recycled those segments.
            ("wal_keep_size", "'1GB'"),
            // A postmaster restarted in place after a crash first makes the data folder
            // durable; fsync of every file took 3.5 s here, one syncfs() of the file system
            // a fraction of that, and the restart is what a killed primary waits for.
            ("recovery_init_sync_method", "syncfs"),
            ("cluster_name", Self.quoted(site.rawValue)),
        ]
    }

    /// A setting's value in single quotes, quotes inside doubled.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
