/// An e-mail a caller asks the outbox to send: checked when it is built, so that a message
/// that could inject a header or an SMTP command never reaches the table.
public struct OutgoingEmail: Sendable {
    public let recipient: EmailAddress
    public let subject: String
    public let body: String

    public init(to recipient: String, subject: String, body: String) throws(NotificationError) {
        self.recipient = try EmailAddress(recipient)
        try EmailMessage.checkHeaderText(subject, field: "subject")
        guard subject.utf8.count <= 998 else {
            throw NotificationError(
                .invalidHeader, "a subject has at most 998 bytes", context: "subject")
        }
        guard !body.unicodeScalars.contains("\u{0}") else {
            throw NotificationError(.invalidHeader, "a body may not contain NUL", context: "body")
        }
        self.subject = subject
        self.body = body
    }
}
