import Dispatch
import Telemetry

/// Sends e-mail through `SMTPClient` on a serial queue of its own, so that the blocking
/// socket calls never occupy an event loop or the cooperative thread pool.
///
/// One message at a time per sender: enough for sign-in codes and referral updates; a
/// busier deployment would run several senders (a connection per message is not reused).
public final class SMTPSender: EmailSender {
    private let client: SMTPClient
    private let queue = DispatchQueue(label: "portal.smtp-delivery")

    public init(configuration: SMTPConfiguration, logger: Logger) {
        self.client = SMTPClient(configuration: configuration, logger: logger)
    }

    public func send(_ message: EmailMessage) async throws(NotificationError) {
        let client = self.client
        let result: Result<Void, NotificationError> = await withCheckedContinuation {
            continuation in
            self.queue.async {
                continuation.resume(
                    returning: Result { () throws(NotificationError) in try client.deliver(message)
                    })
            }
        }
        try result.get()
    }
}
