import Postgres

extension PostgresPool {
    /// Runs `body` in a transaction confined to `tenant`: the pool's transaction, whose first
    /// statement is `SELECT set_config('portal.tenant_id', tenant, true)`. The setting lasts
    /// until the transaction ends, so a connection goes back to the pool with no tenant set.
    ///
    /// Every endpoint reaches the database through this (or `PostgresConnection.withTenant`).
    /// Throws `TenancyError` when the tenant cannot be set; errors from `body` and from the
    /// commit reach the caller as thrown. Like `transaction`, `body` may run again after a
    /// serialization failure or deadlock.
    public func withTenant<Value>(
        _ tenant: TenantID,
        isolation: PostgresTransaction.IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        actor: isolated (any Actor)? = #isolation,
        _ body: (TenantTransaction) async throws -> Value
    ) async throws -> Value {
        try await self.transaction(isolation: isolation, readOnly: readOnly) { transaction in
            let scoped = try await TenantTransaction.scope(transaction, to: tenant)
            return try await body(scoped)
        }
    }

    /// The tenant whose portal answers on `slug` (the first label of the host name), looked
    /// up before any tenant is set. Throws `invalidSlug` or `unknownTenant`.
    public nonisolated func tenant(forSlug slug: String) async throws(TenancyError) -> TenantID {
        try await TenantDirectory.lookUp(slug: slug) { query throws(PostgresError) in
            try await self.query(query)
        }
    }
}
