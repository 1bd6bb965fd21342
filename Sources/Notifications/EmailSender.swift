/// Something that hands an e-mail to the outside world: the SMTP relay in production.
public protocol EmailSender: Sendable {
    /// Delivers `message`, or throws a `NotificationError` whose `isPermanent` decides
    /// between a later retry and the dead letter.
    func send(_ message: EmailMessage) async throws(NotificationError)
}
