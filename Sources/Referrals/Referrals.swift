import Audit
import Foundation
import Postgres
import Tenancy

/// Referrals of a tenant: submission of the minimum dataset with patient matching and
/// idempotent retries, and tracking for the referrer. Every change and every read of
/// patient data is written to the audit trail in the transaction that makes it.
public struct Referrals: Sendable {
    /// The database pool to use from the calling task (one per event loop on an API node).
    let pool: @Sendable () -> PostgresPool

    public init(pool: @escaping @Sendable () -> PostgresPool) {
        self.pool = pool
    }

    /// Runs `body` in a transaction confined to `tenant`. A `ReferralsError` thrown by `body`
    /// rolls back and reaches the caller; anything else becomes `unavailable`, carrying the
    /// cause for the caller's log.
    func inTenant<Value: Sendable>(
        _ tenant: TenantID, readOnly: Bool = false,
        _ body: (TenantTransaction) async throws -> Value
    ) async throws(ReferralsError) -> Value {
        do {
            return try await self.pool().withTenant(tenant, readOnly: readOnly) {
                try await body($0)
            }
        } catch let error as ReferralsError {
            throw error
        } catch {
            throw ReferralsError.unavailable(error)
        }
    }

    /// Appends an event to the audit trail; call it as the transaction's last statement.
    static func audit(
        _ action: String, actor: ReferralActor, onBehalfOf: UUID? = nil,
        record: (type: String, id: UUID)?, patient: UUID?, origin: ReferralOrigin,
        details: [String: AuditDetail] = [:], in transaction: TenantTransaction
    ) async throws(AuditError) {
        let entry = AuditEntry(
            action: action, actor: actor.userID, onBehalfOf: onBehalfOf,
            record: record.map {
                AuditRecordReference(type: $0.type, id: $0.id.uuidString.lowercased())
            },
            patient: patient, requestID: origin.requestID, remoteAddress: origin.address,
            details: details)
        try await AuditTrail.record(entry, in: transaction)
    }
}
