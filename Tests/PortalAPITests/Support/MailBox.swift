import Foundation
import Synchronization
import Testing

/// The e-mails the outbox worker delivered to the harness's SMTP sink, read in order: each
/// `next` call returns the oldest message to an address that no earlier call returned,
/// waiting (at most 15 seconds) for it to arrive.
final class MailBox: Sendable {
    static let signInCode = "Your sign-in code"
    static let received = "We have received your portal access request"
    static let invitation = "Your portal account: choose a password"
    static let decision = "Your portal access request"

    let sink: MailSink
    private let taken = Mutex<Set<String>>([])

    init(sink: MailSink) {
        self.sink = sink
    }

    /// Every message delivered to `address` so far.
    func delivered(to address: String) -> [MailSink.Message] {
        self.sink.received().filter { $0.to.contains { $0.lowercased() == address.lowercased() } }
    }

    /// The next message to `address` with `subject`, waiting for it to be delivered.
    func next(to address: String, subject: String) async throws -> MailSink.Message {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let found = self.delivered(to: address).first { message in
                message.subject == subject && !self.taken.withLock { $0.contains(message.file) }
            }
            if let found {
                self.taken.withLock { _ = $0.insert(found.file) }
                return found
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no e-mail \"\(subject)\" reached \(address)")
        throw CancellationError()
    }

    /// The 6-digit code of the next sign-in e-mail to `address`.
    func nextCode(to address: String) async throws -> String {
        let body = try await self.next(to: address, subject: Self.signInCode).body
        let code = body.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }
        return try #require(code.map { String($0) })
    }

    /// The token of the set-password link in the next invitation to `address`.
    func nextLinkToken(to address: String) async throws -> String {
        let body = try await self.next(to: address, subject: Self.invitation).body
        let range = try #require(body.range(of: "#token="))
        return String(body[range.upperBound...].prefix { !$0.isWhitespace })
    }
}
