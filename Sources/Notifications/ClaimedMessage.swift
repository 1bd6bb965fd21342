import Foundation
import Postgres

/// A row of the outbox claimed by a worker: its content, how many times it has been
/// claimed, and the lease token that the outcome must be recorded with.
struct ClaimedMessage: Sendable {
    let reference: UUID
    let tenant: UUID
    let channel: String
    let recipient: String
    let subject: String?
    let body: String?
    let template: String?
    let attempts: Int
    let leaseToken: UUID

    init(_ row: PostgresRow) throws(PostgresError) {
        self.reference = try row.decode(UUID.self, at: 0)
        self.tenant = try row.decode(UUID.self, at: 1)
        self.channel = try row.decode(String.self, at: 2)
        self.recipient = try row.decode(String.self, at: 3)
        self.subject = try row.decode(String?.self, at: 4)
        self.body = try row.decode(String?.self, at: 5)
        self.template = try row.decode(String?.self, at: 6)
        self.attempts = Int(try row.decode(Int32.self, at: 7))
        self.leaseToken = try row.decode(UUID.self, at: 8)
    }

    /// The e-mail to deliver, or the permanent error that makes this row undeliverable.
    func email(from sender: EmailAddress, name: String?) throws(NotificationError) -> EmailMessage {
        guard self.channel == "email" else {
            throw NotificationError(
                .unsupported, "no sender for this channel", context: self.channel)
        }
        guard let subject = self.subject, let body = self.body else {
            throw NotificationError(
                .unsupported, "templated e-mail is not supported yet", context: self.template ?? "")
        }
        return try EmailMessage(
            reference: self.reference, from: sender, fromName: name,
            to: try EmailAddress(self.recipient),
            subject: subject, body: body)
    }
}
