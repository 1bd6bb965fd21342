import Foundation
import Notifications
import Postgres
import Tenancy

/// Queues account e-mails in the notification outbox (`portal.outbox`), in the caller's
/// tenant transaction; the outbox worker delivers them. Each message is checked as
/// `Notifications.OutgoingEmail` first (a recipient and subject that cannot inject a header).
///
/// Shortcoming: `Notifications.Outbox.enqueue` takes a `PostgresTransaction`, which a
/// tenant-scoped transaction does not expose, so the row is written here with the columns
/// `Outbox.enqueue` writes; once it accepts a `TenantTransaction` this should call it.
public struct OutboxMailQueue: MailQueue {
    public init() {}

    public func enqueue(_ mail: OutgoingMail, in transaction: TenantTransaction) async throws {
        let email = try OutgoingEmail(to: mail.to, subject: mail.subject, body: mail.body)
        _ = try await transaction.query(
            """
            INSERT INTO portal.outbox (reference, tenant_id, channel, recipient, subject, body)
            VALUES (\(UUID()), \(transaction.tenant.uuid), 'email', \(email.recipient.value),
                    \(email.subject), \(email.body))
            """)
    }
}
