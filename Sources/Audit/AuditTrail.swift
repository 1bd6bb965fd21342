import Foundation
import Postgres
import Tenancy

/// Appends to the tenant's hash-chained audit trail, inside the caller's transaction, so the
/// event commits or rolls back with the change it describes.
///
/// The database numbers, times and chains the row (see migrations/0004_audit.sql): the
/// append takes the tenant's chain head until the transaction ends, so record the event as
/// the transaction's last statement.
public enum AuditTrail {
    /// Where an appended event landed in its tenant's chain.
    public struct Receipt: Sendable, Equatable {
        /// The row's id in `portal.audit_events`.
        public let id: Int64
        /// Its position in the tenant's chain (1, 2, 3, ...).
        public let seq: Int64
    }

    /// Appends `entry` to the trail of the transaction's tenant. Throws `invalidEntry` before
    /// sending anything when the entry is malformed, `unknownUser` when the actor is not a
    /// user of the tenant, and `database` otherwise.
    @discardableResult
    public static func record(
        _ entry: AuditEntry, in transaction: TenantTransaction
    ) async throws(AuditError) -> Receipt {
        try entry.validate()

        let rows: PostgresRows
        do {
            rows = try await transaction.query(
                """
                INSERT INTO portal.audit_events (
                    actor_user_id, on_behalf_of_user_id, action, record_type, record_id,
                    patient_id, request_id, remote_address, details)
                VALUES (\(entry.actor), \(entry.onBehalfOf), \(entry.action),
                        \(entry.record?.type), \(entry.record?.id), \(entry.patient),
                        \(entry.requestID), \(entry.remoteAddress)::inet,
                        \(entry.detailsJSON)::jsonb)
                RETURNING id, seq
                """)
        } catch {
            throw Self.refusal(error)
        }

        guard let row = rows.first, let (id, seq) = try? row.decode((Int64, Int64).self) else {
            throw AuditError(.database, "the insert returned no chain position")
        }
        return Receipt(id: id, seq: seq)
    }

    private static func refusal(_ error: PostgresError) -> AuditError {
        switch error.sqlState {
        case "23503":
            return AuditError(
                .unknownUser, "the actor or the user acted for is not a user of this tenant",
                underlying: error)
        case "22P02", "23514":
            return AuditError(
                .invalidEntry, "the database refused the entry: \(error.message)",
                underlying: error)
        default:
            return AuditError(.database, "could not append to the audit trail", underlying: error)
        }
    }
}
