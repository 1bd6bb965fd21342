import Testing

@testable import Notifications

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(
        baseDelay: .seconds(30), maximumDelay: .seconds(600), maximumAttempts: 6, jitter: 0.2)
    let transient = NotificationError(.transientReply, "busy", replyCode: 451)

    @Test("the delay doubles per attempt up to the maximum, and jitter stays within its fraction")
    func delays() {
        let delays = (1...7).map { self.policy.delay(afterAttempt: $0, random: 0) }
        #expect(delays == [30, 60, 120, 240, 480, 600, 600].map { Duration.seconds($0) })
        #expect(self.policy.delay(afterAttempt: 1, random: 1) == .seconds(36))
        #expect(self.policy.delay(afterAttempt: 1, random: -1) == .seconds(24))
        #expect(self.policy.delay(afterAttempt: 1_000, random: 0) == .seconds(600))
    }

    @Test(
        "transient errors retry until the last attempt; permanent ones go to the dead letter at once"
    )
    func decisions() {
        guard case .retry = self.policy.decision(afterAttempt: 1, error: self.transient) else {
            Issue.record("expected a retry")
            return
        }
        #expect(self.policy.decision(afterAttempt: 6, error: self.transient) == .deadLetter)
        let permanent = NotificationError(.permanentReply, "no such user", replyCode: 550)
        #expect(self.policy.decision(afterAttempt: 1, error: permanent) == .deadLetter)
        let configuration = NotificationError(.authenticationFailed, "bad password")
        #expect(self.policy.decision(afterAttempt: 1, error: configuration) != .deadLetter)
    }
}
