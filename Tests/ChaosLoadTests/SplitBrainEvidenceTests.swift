import Testing

@testable import chaos_load

/// Two writable nodes that both commit are a split brain; a promoted standby after a fenced
/// primary is not.
@Suite struct SplitBrainEvidenceTests {
    static func sample(
        _ at: Int64, port: Int, writable: Bool, referrals: Int?, reachable: Bool = true
    ) -> LoadRecord.NodeSample {
        LoadRecord.NodeSample(
            at: at, port: port, reachable: reachable, writable: writable, referrals: referrals,
            timeline: 1, error: nil)
    }

    @Test func bothWritableAndBothGrowingIsADualCommitWindow() {
        var samples: [LoadRecord.NodeSample] = []
        for step in 0..<10 {
            let at = Int64(step) * 100
            samples.append(Self.sample(at, port: 1, writable: true, referrals: 10 + step))
            samples.append(Self.sample(at + 5, port: 2, writable: step >= 4, referrals: 10 + step))
        }
        let evidence = SplitBrainEvidence.of(samples)
        #expect(evidence.bothWritableMilliseconds > 0)
        #expect(!evidence.dualCommitWindows.isEmpty)
    }

    @Test func aFencedPrimaryThenAPromotedStandbyIsNoSplitBrain() {
        var samples: [LoadRecord.NodeSample] = []
        for step in 0..<20 {
            let at = Int64(step) * 100
            let fenced = step >= 8
            samples.append(
                Self.sample(
                    at, port: 1, writable: !fenced, referrals: fenced ? nil : 10 + step,
                    reachable: !fenced))
            samples.append(
                Self.sample(at + 5, port: 2, writable: step >= 12, referrals: 10 + min(step, 7)))
        }
        let evidence = SplitBrainEvidence.of(samples)
        #expect(evidence.bothWritableMilliseconds == 0)
        #expect(evidence.dualCommitWindows.isEmpty)
    }

    @Test func bothWritableWithoutNewReferralsOnBothIsReportedButNotADualCommit() {
        var samples: [LoadRecord.NodeSample] = []
        for step in 0..<10 {
            let at = Int64(step) * 100
            samples.append(Self.sample(at, port: 1, writable: true, referrals: 10))
            samples.append(Self.sample(at + 5, port: 2, writable: true, referrals: 10 + step))
        }
        let evidence = SplitBrainEvidence.of(samples)
        #expect(evidence.bothWritableMilliseconds > 0)
        #expect(evidence.dualCommitWindows.isEmpty)
    }
}
