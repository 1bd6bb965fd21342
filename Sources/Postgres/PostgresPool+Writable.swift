/// Whether the pool's server takes writes now, for readiness checks.
extension PostgresPool {
    /// True when a connection reaches a server that is not in recovery. On a read-write
    /// pool, a connection whose server answers that it is in recovery (a primary demoted
    /// while the connection stayed open) is dropped, so that the next connection finds the
    /// writable server through the multi-host string and readiness follows it. Fails as
    /// `query` does: at once with `connectionFailed` when no server can be reached.
    public func isWritable() async throws(PostgresError) -> Bool {
        let lease = try await self.acquire(.shared)

        let inRecovery: Bool
        do {
            let rows = try await lease.connection.query("SELECT pg_is_in_recovery()")
            inRecovery = try rows.first?.decode(Bool.self, at: 0) ?? true
        } catch {
            self.release(lease, discard: self.shouldDiscard(after: error))
            throw error
        }
        self.release(lease, discard: inRecovery && self.configuration.requiresWritableServer)
        return !inRecovery
    }
}
