import Referrals
import Testing

@testable import chaos_load

/// The load's smaller parts: patients' NHS numbers, failure windows, answer parsing,
/// options and the summary line.
@Suite struct LoadPartsTests {
    @Test func everyGeneratedNHSNumberPassesTheModulus11Check() {
        for base in stride(from: 100_000_000, to: 100_000_000 + 3_000, by: 3) {
            let number = ReferralFactory.nhsNumber(from: base)
            #expect(NHSNumber(number) != nil, "\(number)")
        }
    }

    @Test func failuresLessThanASecondApartFormOneWindow() {
        func referral(_ attempts: [(Int64, String)]) -> LoadRecord.Referral {
            LoadRecord.Referral(
                key: "k", scheduledAt: 0,
                attempts: attempts.map {
                    LoadRecord.Attempt(
                        startedAt: $0.0, endedAt: $0.0 + 10, outcome: $0.1, detail: nil)
                },
                id: nil, acknowledgedAt: nil, acknowledgedAttemptStartedAt: nil, replayed: false,
                refused: false)
        }
        let windows = FailureWindows.of([
            referral([(1_000, "http-503"), (1_400, "http-503"), (1_900, "acknowledged")]),
            referral([(1_200, "timeout"), (5_000, "connect")]),
        ])
        #expect(windows.count == 2)
        #expect(windows.first?.from == 1_000)
        #expect(windows.first?.to == 1_410)
        #expect(windows.first?.kinds == ["http-503": 2, "timeout": 1])
        #expect(windows.last?.failures == 1)
    }

    @Test func anAnswerIsCompleteOnlyWithItsWholeBody() {
        let head = "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nIdempotent-Replayed: true\r\n\r\n"
        #expect(HTTPExchange.parse(Array((head + "abc").utf8)) == nil)
        let whole = HTTPExchange.parse(Array((head + "abcde").utf8))
        #expect(whole?.status == 201)
        #expect(whole?.headers["idempotent-replayed"] == "true")
        #expect(whole?.text == "abcde")
        #expect(HTTPExchange.parse(Array("garbage\r\n\r\n".utf8)) == nil)
    }

    @Test func unknownOptionsAndBadNumbersAreRefused() throws {
        #expect(throws: ChaosError.self) { try Arguments(["--nope", "1"], known: ["rate"]) }
        #expect(throws: ChaosError.self) { try Arguments(["--rate"], known: ["rate"]) }
        let parsed = try Arguments(["--rate", "fast", "--ports", "1,x"], known: ["rate", "ports"])
        #expect(throws: ChaosError.self) {
            try parsed.number("rate", default: 20, in: 1...100)
        }
        #expect(throws: ChaosError.self) { try parsed.ports("ports") }
    }

    @Test func theSummaryLineHasTheAgreedShape() {
        var report = DrillReport(drill: "kill-primary", faultAt: 0)
        #expect(
            report.summary
                == "drill kill-primary: rto_s=inf lost_acknowledged=0 duplicates=0 split_brain=no")
        report.rtoSeconds = 0.349
        report.lostAcknowledged = 2
        report.splitBrain = true
        #expect(
            report.summary
                == "drill kill-primary: rto_s=0.3 lost_acknowledged=2 duplicates=0 split_brain=yes")
        #expect(!report.passed)
    }
}
