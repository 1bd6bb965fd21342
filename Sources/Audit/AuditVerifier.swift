import Foundation
import Postgres
import Tenancy

/// Re-derives every tenant's audit chain from the stored rows and reports the first broken
/// link of each: an altered row, a removed row (a gap, or a chain end short of its head), a
/// reordered or replaced row.
///
/// The hashes are recomputed here, in Swift, from the fields' text forms, not by the
/// database's functions, so a replaced trigger or function does not hide a change. Each
/// chain is read in one REPEATABLE READ snapshot with its tenant set, in batches, so rows
/// appended meanwhile neither break the walk nor fill memory.
///
/// Known shortcoming: a superuser who rewrites a chain's tail and its head consistently, or
/// truncates a chain and its head together, is not detected; publishing each head's hash
/// outside the database (a signed daily anchor) would close that, and is not built yet.
public struct AuditVerifier: Sendable {
    let connection: PostgresConnection
    /// Rows read per statement.
    public var batchSize: Int

    /// Verifies through `connection`, which the verifier uses alone while it runs. Its role
    /// must read every tenant's rows and heads: the deployer or another role that bypasses
    /// row-level security lists all tenants; other roles see only what their policies show.
    public init(connection: PostgresConnection, batchSize: Int = 1000) {
        self.connection = connection
        self.batchSize = max(1, batchSize)
    }

    /// Walks the chain of `tenant`, or of every tenant when nil.
    public func verify(tenant: TenantID? = nil) async throws(AuditError) -> AuditVerification {
        let tenants: [TenantID]
        if let tenant {
            tenants = [tenant]
        } else {
            tenants = try await self.allTenants()
        }

        var reports: [AuditChainReport] = []
        for tenant in tenants {
            reports.append(try await self.verifyChain(of: tenant))
        }
        return AuditVerification(chains: reports)
    }

    /// Every tenant, and every tenant that has a chain head even if its tenant row is gone.
    private func allTenants() async throws(AuditError) -> [TenantID] {
        do {
            let rows = try await self.connection.query(
                """
                SELECT id FROM portal.tenants
                UNION SELECT tenant_id FROM portal.audit_chain_heads
                ORDER BY 1
                """)
            return try rows.map { row throws(PostgresError) in
                TenantID(try row.decode(UUID.self, at: 0))
            }
        } catch {
            throw AuditError(.database, "could not list the tenants", underlying: error)
        }
    }

    private func verifyChain(of tenant: TenantID) async throws(AuditError) -> AuditChainReport {
        do {
            return try await self.connection.withTenant(
                tenant, isolation: .repeatableRead, readOnly: true
            ) { transaction in
                try await self.walk(tenant, in: transaction)
            }
        } catch let error as AuditError {
            throw error
        } catch let error as TenancyError {
            throw AuditError(
                .database, "could not read the chain of tenant \(tenant): \(error.message)",
                underlying: error.underlying)
        } catch {
            throw AuditError(
                .database, "could not read the chain of tenant \(tenant)",
                underlying: error as? PostgresError)
        }
    }

    private func walk(
        _ tenant: TenantID, in transaction: TenantTransaction
    ) async throws -> AuditChainReport {
        var walk = AuditChainWalk(tenant: tenant)
        var after: Int64 = 0

        while true {
            let rows = try await self.batch(of: tenant, after: after, in: transaction)
            for row in rows {
                if let found = try walk.check(row) {
                    return AuditChainReport(
                        tenant: tenant, rowsChecked: walk.rowsChecked, chainBreak: found)
                }
            }
            guard let last = rows.last, rows.count == self.batchSize else { break }
            after = last.seq
        }

        let head = try await transaction.query(
            """
            SELECT last_seq, last_hash FROM portal.audit_chain_heads
            WHERE tenant_id = \(tenant.uuid)
            """)
        var headSeq: Int64?
        var headHash: [UInt8]?
        if let row = head.first {
            (headSeq, headHash) = try row.decode((Int64, [UInt8]).self)
        }
        let found = walk.finish(headSeq: headSeq, headHash: headHash)
        return AuditChainReport(tenant: tenant, rowsChecked: walk.rowsChecked, chainBreak: found)
    }
}
