import Foundation
import Tenancy

/// An e-mail to send: one recipient, a subject and a plain-text body.
public struct OutgoingMail: Sendable, Equatable {
    public let to: String
    public let subject: String
    public let body: String
    /// What the message is about, for the outbox's records (`sign_in_code`, ...).
    public let kind: String

    public init(to: String, subject: String, body: String, kind: String) {
        self.to = to
        self.subject = subject
        self.body = body
        self.kind = kind
    }
}

/// Where account e-mails go: a queue written in the caller's transaction (the outbox), so
/// that a message exists exactly when the change it reports committed.
public protocol MailQueue: Sendable {
    func enqueue(_ mail: OutgoingMail, in transaction: TenantTransaction) async throws
}
