import Testing

@testable import chaos_load

/// The recovery time as a client sees it, from made-up load records (no processes).
@Suite struct RecoveryTimeTests {
    static func referral(
        _ key: String, started: Int64?, acknowledged: Int64?
    ) -> LoadRecord.Referral {
        LoadRecord.Referral(
            key: key, scheduledAt: started ?? 0, attempts: [], id: acknowledged.map { _ in key },
            acknowledgedAt: acknowledged, acknowledgedAttemptStartedAt: started, replayed: false,
            refused: false)
    }

    @Test func firstAcknowledgementIgnoresAnswersToAttemptsStartedBeforeTheFault() {
        let referrals = [
            Self.referral("in-flight", started: 990, acknowledged: 1_010),
            Self.referral("after", started: 1_300, acknowledged: 1_750),
            Self.referral("later", started: 1_800, acknowledged: 1_820),
        ]
        let seconds = RecoveryTime.seconds(
            referrals, mode: .firstAcknowledgement, faultAt: 1_000, faultEnd: 1_000)
        #expect(seconds == 0.75)
    }

    @Test func noAcknowledgementAfterTheFaultIsNoRecovery() {
        let referrals = [
            Self.referral("before", started: 500, acknowledged: 600),
            Self.referral("never", started: 1_200, acknowledged: nil),
        ]
        #expect(
            RecoveryTime.seconds(
                referrals, mode: .firstAcknowledgement, faultAt: 1_000, faultEnd: 1_000) == nil)
    }

    @Test func blockedIsTheLongestGapBetweenAcknowledgementsAroundTheSwitchover() {
        let referrals = [
            Self.referral("a", started: 900, acknowledged: 950),
            Self.referral("b", started: 1_000, acknowledged: 1_050),
            Self.referral("c", started: 1_060, acknowledged: 1_480),
            Self.referral("d", started: 1_490, acknowledged: 1_500),
            // A long gap well after the switchover ended does not count.
            Self.referral("e", started: 5_000, acknowledged: 9_000),
        ]
        let seconds = RecoveryTime.seconds(
            referrals, mode: .blocked, faultAt: 1_000, faultEnd: 1_400)
        #expect(seconds == 0.43)
    }
}
