import Postgres

extension LocalDatabase {
    /// Role, timeline, WAL positions, synchronous names and (on a primary) its standbys.
    func status() async throws(AgentError) -> LocalStatus {
        let rows = try await self.rows(
            """
            SELECT pg_is_in_recovery(),
              CASE WHEN pg_is_in_recovery()
                THEN coalesce((SELECT received_tli::bigint FROM pg_stat_wal_receiver),
                              (SELECT timeline_id::bigint FROM pg_control_checkpoint()))
                ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint
              END,
              CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_flush_lsn()::text END,
              pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text,
              current_setting('synchronous_standby_names')
            """)
        guard let row = rows.first else {
            throw AgentError(.queryFailed, "the status statement returned no row")
        }
        let decoded: (Bool, Int64, String?, String?, String?, String)
        do {
            decoded = try row.decode((Bool, Int64, String?, String?, String?, String).self)
        } catch {
            throw AgentError(.queryFailed, "cannot read the status: \(error.message)")
        }
        let (inRecovery, timeline, current, receive, replay, names) = decoded
        let replicas = inRecovery ? [] : try await self.replicas()
        return LocalStatus(
            inRecovery: inRecovery, timeline: timeline, current: current, receive: receive,
            replay: replay, synchronousStandbyNames: names, replicas: replicas)
    }

    /// The rows of `pg_stat_replication`: the standbys this primary sends WAL to.
    private func replicas() async throws(AgentError) -> [LocalStatus.Replica] {
        let rows = try await self.rows(
            """
            SELECT application_name::text, coalesce(state, ''), coalesce(sync_state, ''),
              flush_lsn::text, replay_lsn::text
            FROM pg_stat_replication ORDER BY application_name
            """)
        do {
            return try rows.map { row throws(PostgresError) in
                let (name, state, sync, flush, replay) = try row.decode(
                    (String, String, String, String?, String?).self)
                return LocalStatus.Replica(
                    name: name, state: state, syncState: sync, flush: flush, replay: replay)
            }
        } catch {
            throw AgentError(.queryFailed, "cannot read pg_stat_replication: \(error.message)")
        }
    }

    /// Ends recovery with `pg_promote(true, 10)`; true once the server accepts writes.
    func promote() async throws(AgentError) -> Bool {
        let rows = try await self.rows("SELECT pg_promote(true, 10)", timeout: .seconds(12))
        do {
            return try rows.first?.decode(Bool.self, at: 0) ?? false
        } catch {
            throw AgentError(.queryFailed, "cannot read pg_promote's answer: \(error.message)")
        }
    }

    /// Makes sure a physical slot named `name` exists (reserving WAL from now), so a peer
    /// following this primary never finds its WAL gone.
    func ensureSlot(_ name: String) async throws(AgentError) {
        _ = try await self.rows(
            """
            SELECT pg_create_physical_replication_slot(\(name), true)
            WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = \(name))
            """)
    }

    /// Sets `synchronous_standby_names` durably (ALTER SYSTEM) and reloads the settings.
    func setSynchronousStandbyNames(_ names: String) async throws(AgentError) {
        let literal = "'" + names.replacingOccurrences(of: "'", with: "''") + "'"
        // Two scripts: several statements in one run as a transaction block, where ALTER
        // SYSTEM is refused.
        try await self.execute(script: "ALTER SYSTEM SET synchronous_standby_names = \(literal)")
        try await self.execute(script: "SELECT pg_reload_conf()")
    }
}
