import Testing

@testable import Failover

/// The lease as grantor and holder count it.
@Suite struct LeaseTests {
    let a = Fixtures.a

    @Test func grantorLeaseRunsFromReceiptAndRenewsForward() {
        var lease = Lease(
            holder: self.a, term: Term(1), lengthMilliseconds: 2000, receivedAt: Fixtures.at(1000))
        #expect(lease.isLive(at: Fixtures.at(2999)))
        #expect(!lease.isLive(at: Fixtures.at(3000)))
        #expect(lease.remainingMilliseconds(at: Fixtures.at(2500)) == 500)
        #expect(lease.remainingMilliseconds(at: Fixtures.at(9000)) == 0)

        lease.renew(receivedAt: Fixtures.at(2000))
        #expect(lease.expiresAt == Fixtures.at(4000))
        lease.renew(receivedAt: Fixtures.at(1500))
        #expect(lease.expiresAt == Fixtures.at(4000), "an out-of-order renewal never shortens")
    }

    @Test func holderLeaseEndsBeforeTheGrantorsAndFencesWithinTheMargin() {
        // The agent sent at 1000; the coordinator received at 1030.
        let grantor = Lease(
            holder: self.a, term: Term(1), lengthMilliseconds: 2000, receivedAt: Fixtures.at(1030))
        let held = HeldLease(term: Term(1), sentAt: Fixtures.at(1000), validForMilliseconds: 2000)
        #expect(held.expiresAt < grantor.expiresAt)
        #expect(!held.mustFence(at: Fixtures.at(2599), marginMilliseconds: 400))
        #expect(held.mustFence(at: Fixtures.at(2600), marginMilliseconds: 400))
        // At the moment the holder must fence, the grantor still sees a live lease.
        #expect(grantor.isLive(at: Fixtures.at(2600)))
    }

    @Test func aLateAnswerNeverShortensAHeldLease() {
        let newer = HeldLease(term: Term(1), sentAt: Fixtures.at(2000), validForMilliseconds: 2000)
        let older = HeldLease(term: Term(1), sentAt: Fixtures.at(1000), validForMilliseconds: 2000)
        #expect(newer.extended(by: older) == newer)
        #expect(older.extended(by: newer) == newer)
    }
}
