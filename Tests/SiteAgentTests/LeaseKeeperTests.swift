import Testing

@testable import SiteAgent

@Suite struct LeaseKeeperTests {
    let start = ContinuousClock.now

    @Test func aLeaseCountsFromTheSendTime() {
        var lease = LeaseKeeper(fenceMargin: .milliseconds(400))
        lease.renew(sentAt: self.start, validFor: .milliseconds(2000), by: .coordinator)
        #expect(lease.isHeld(at: self.start + .milliseconds(1999)))
        #expect(!lease.isHeld(at: self.start + .milliseconds(2000)))
        #expect(lease.remaining(at: self.start + .milliseconds(500)) == .milliseconds(1500))
    }

    @Test func theFenceMarginEndsBeforeTheLease() {
        var lease = LeaseKeeper(fenceMargin: .milliseconds(400))
        lease.renew(sentAt: self.start, validFor: .milliseconds(2000), by: .coordinator)
        #expect(!lease.isWithinFenceMargin(at: self.start + .milliseconds(1599)))
        #expect(lease.isWithinFenceMargin(at: self.start + .milliseconds(1600)))
        #expect(lease.isHeld(at: self.start + .milliseconds(1600)))
    }

    @Test func aLateReplyToAnOlderRequestNeverShortensTheLease() {
        var lease = LeaseKeeper(fenceMargin: .milliseconds(400))
        let later = self.start + .milliseconds(300)
        lease.renew(sentAt: later, validFor: .seconds(2), by: .coordinator)
        lease.renew(sentAt: self.start, validFor: .seconds(2), by: .peer)
        #expect(lease.expiry == self.start + .milliseconds(2300))
        #expect(lease.grantor == .coordinator)
    }

    @Test func noLeaseMeansFence() {
        var lease = LeaseKeeper(fenceMargin: .milliseconds(400))
        #expect(lease.isWithinFenceMargin(at: self.start))
        lease.renew(sentAt: self.start, validFor: .seconds(2), by: .coordinator)
        lease.release()
        #expect(!lease.isHeld(at: self.start))
        #expect(lease.isWithinFenceMargin(at: self.start))
    }
}
