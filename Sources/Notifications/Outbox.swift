import Foundation
import Postgres

/// Writes messages into `portal.outbox` inside the caller's transaction, so that a message
/// exists exactly when the change that caused it commits. Delivery is `OutboxWorker`'s.
public enum Outbox {
    /// Queues `email` for `tenant` in `transaction` and returns its reference (which also
    /// becomes the Message-ID). The transaction must already work for `tenant`
    /// (`portal.tenant_id` set): row-level security refuses a row for any other tenant.
    @discardableResult
    public static func enqueue(
        _ email: OutgoingEmail, tenant: UUID, in transaction: PostgresTransaction
    ) async throws(NotificationError) -> UUID {
        let reference = UUID()
        let recipient = email.recipient.value
        let query: PostgresQuery = """
            INSERT INTO portal.outbox (reference, tenant_id, channel, recipient, subject, body)
            VALUES (\(reference), \(tenant), 'email', \(recipient), \(email.subject), \(email.body))
            """
        do {
            _ = try await transaction.query(query)
        } catch {
            throw NotificationError(
                .database, "cannot queue the message: \(error.message)",
                context: "outbox sqlstate=\(error.sqlState ?? "-")")
        }
        return reference
    }
}
