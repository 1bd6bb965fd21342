import Foundation

/// One plain-text e-mail to one recipient, checked on construction so that it can always
/// be rendered safely: the subject holds no line break or control character, and the
/// `reference` (the outbox row's id) becomes the Message-ID, so a message delivered twice
/// after a retry is recognisably the same message.
public struct EmailMessage: Sendable {
    public let reference: UUID
    public let from: EmailAddress
    public let fromName: String?
    public let to: EmailAddress
    public let subject: String
    public let body: String

    public init(
        reference: UUID, from: EmailAddress, fromName: String? = nil, to: EmailAddress,
        subject: String, body: String
    ) throws(NotificationError) {
        try Self.checkHeaderText(subject, field: "subject")
        if let fromName {
            try Self.checkHeaderText(fromName, field: "fromName")
        }
        guard subject.utf8.count <= 998 else {
            throw NotificationError(
                .invalidHeader, "a subject has at most 998 bytes", context: "subject")
        }
        guard !body.unicodeScalars.contains(where: { $0 == "\u{0}" }) else {
            throw NotificationError(.invalidHeader, "a body may not contain NUL", context: "body")
        }
        self.reference = reference
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
    }

    /// Refuses any control character, so CR and LF can never start a new header.
    static func checkHeaderText(_ text: String, field: String) throws(NotificationError) {
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw NotificationError(
                .invalidHeader, "a header value may not contain line breaks or control characters",
                context: field)
        }
    }
}
