import Testing

@testable import Accounts

/// The rules of a sign-in code, without a database: lifetime and single use, five tries.
@Suite("Code verdicts")
struct CodeVerdictTests {
    @Test("the right code within its life and tries is accepted")
    func accept() {
        #expect(CodeVerdict.of(live: true, attempts: 0, limit: 5, matches: true) == .accept)
        #expect(CodeVerdict.of(live: true, attempts: 4, limit: 5, matches: true) == .accept)
    }

    @Test("wrong codes count down; the fifth spends the challenge; the sixth finds it ended")
    func tries() {
        let remaining = (0..<5).map {
            CodeVerdict.of(live: true, attempts: $0, limit: 5, matches: false)
        }
        #expect(remaining == [4, 3, 2, 1, 0].map { .wrong(remaining: $0) })
        #expect(
            CodeVerdict.of(live: true, attempts: 5, limit: 5, matches: true)
                == .ended(reason: "out_of_attempts"))
    }

    @Test("an expired or used challenge takes no code, not even the right one")
    func ended() {
        #expect(
            CodeVerdict.of(live: false, attempts: 0, limit: 5, matches: true)
                == .ended(reason: "expired_or_used"))
    }
}
