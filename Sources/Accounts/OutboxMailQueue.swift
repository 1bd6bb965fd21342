import Foundation
import Postgres
import Tenancy

/// Queues account e-mails in the notification outbox (`portal.outbox`), in the caller's
/// tenant transaction; the outbox worker delivers them.
///
/// Shortcoming: `Notifications.Outbox.enqueue` takes a `PostgresTransaction`, which a
/// tenant-scoped transaction does not expose, so the row is written here with the same
/// columns; once `Outbox.enqueue` accepts a `TenantTransaction` this should call it.
public struct OutboxMailQueue: MailQueue {
    public init() {}

    public func enqueue(_ mail: OutgoingMail, in transaction: TenantTransaction) async throws {
        guard Self.isHeaderSafe(mail.to), Self.isHeaderSafe(mail.subject),
            mail.subject.utf8.count <= 998, mail.to.utf8.count <= 254,
            !mail.body.unicodeScalars.contains("\u{0}")
        else {
            throw AccountsError(.unavailable, "An e-mail could not be queued.")
        }

        _ = try await transaction.query(
            """
            INSERT INTO portal.outbox (tenant_id, channel, recipient, subject, body)
            VALUES (portal.current_tenant(), 'email', \(mail.to), \(mail.subject), \(mail.body))
            """)
    }

    /// No line breaks or other control characters, which could add a header or end one.
    static func isHeaderSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
