/// An e-mail to send: one recipient, a subject and a plain-text body.
public struct OutgoingMail: Sendable, Equatable {
    public let to: String
    public let subject: String
    public let body: String

    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}
