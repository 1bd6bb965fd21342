import Postgres

/// Something that runs statements inside one open transaction: a pool's
/// `PostgresTransaction`, or a `PostgresConnection` that the caller uses alone.
public protocol TransactionStatements: Sendable {
    func query(_ query: PostgresQuery) async throws(PostgresError) -> PostgresRows
}

extension PostgresTransaction: TransactionStatements {}
extension PostgresConnection: TransactionStatements {}

/// A transaction whose first statement set `portal.tenant_id`: row-level security confines
/// every statement run through it to `tenant`. Only `withTenant` makes one, so holding a
/// `TenantTransaction` is proof that the tenant is set.
public struct TenantTransaction: Sendable {
    /// The tenant every statement of the transaction works for.
    public let tenant: TenantID
    let statements: any TransactionStatements

    init(tenant: TenantID, statements: any TransactionStatements) {
        self.tenant = tenant
        self.statements = statements
    }

    /// Runs a statement inside the transaction, under the tenant's row-level security.
    public func query(_ query: PostgresQuery) async throws(PostgresError) -> PostgresRows {
        try await self.statements.query(query)
    }

    /// Sets the tenant as the transaction's first statement and checks the server took it.
    static func scope(
        _ statements: any TransactionStatements, to tenant: TenantID
    ) async throws(TenancyError) -> TenantTransaction {
        let rows: PostgresRows
        do {
            rows = try await statements.query(
                "SELECT set_config('portal.tenant_id', \(tenant.description), true)")
        } catch {
            throw TenancyError(
                .database, "could not set the transaction's tenant", tenant: tenant,
                underlying: error)
        }

        let value = try? rows.first?.decode(String.self, at: 0)
        guard value == tenant.description else {
            throw TenancyError(
                .scopeNotSet, "the server did not take the tenant setting", tenant: tenant)
        }
        return TenantTransaction(tenant: tenant, statements: statements)
    }
}
