import Postgres

extension PostgresConnection {
    /// Runs `body` in a transaction confined to `tenant`, on this connection: BEGIN, then
    /// `SELECT set_config('portal.tenant_id', tenant, true)`, then `body`; COMMIT when it
    /// returns, ROLLBACK when it throws.
    ///
    /// For tools and tests that own a connection. The caller must not run other statements
    /// on the connection meanwhile: they would land inside this transaction. API nodes use
    /// `PostgresPool.withTenant`, which leases the connection alone.
    public func withTenant<Value>(
        _ tenant: TenantID,
        isolation: PostgresTransaction.IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        actor: isolated (any Actor)? = #isolation,
        _ body: (TenantTransaction) async throws -> Value
    ) async throws -> Value {
        let mode = readOnly ? "READ ONLY" : "READ WRITE"
        let level: String
        switch isolation {
        case .readCommitted: level = "READ COMMITTED"
        case .repeatableRead: level = "REPEATABLE READ"
        case .serializable: level = "SERIALIZABLE"
        }
        do {
            let begin = PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(level) \(mode)")
            _ = try await self.query(begin)
        } catch {
            throw TenancyError(
                .database, "could not begin a transaction", tenant: tenant, underlying: error)
        }

        let value: Value
        do {
            let scoped = try await TenantTransaction.scope(self, to: tenant)
            value = try await body(scoped)
        } catch {
            _ = try? await self.query("ROLLBACK")
            throw error
        }

        let end: PostgresRows
        do {
            end = try await self.query("COMMIT")
        } catch {
            throw TenancyError(.database, "could not commit", tenant: tenant, underlying: error)
        }
        guard end.commandTag != "ROLLBACK" else {
            throw TenancyError(
                .database, "the server rolled the transaction back instead of committing it",
                tenant: tenant)
        }
        return value
    }

    /// The tenant whose portal answers on `slug`. Throws `invalidSlug` or `unknownTenant`.
    public nonisolated func tenant(forSlug slug: String) async throws(TenancyError) -> TenantID {
        try await TenantDirectory.lookUp(slug: slug) { query throws(PostgresError) in
            try await self.query(query)
        }
    }
}
