import Tenancy

/// Where account e-mails go: a queue written in the caller's transaction (the outbox), so
/// that a message exists exactly when the change it reports committed.
public protocol MailQueue: Sendable {
    func enqueue(_ mail: OutgoingMail, in transaction: TenantTransaction) async throws
}
