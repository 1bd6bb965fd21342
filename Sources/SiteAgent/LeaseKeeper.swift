/// The primary's lease as its agent counts it: from the moment the renewing request was
/// SENT, so it always ends before the coordinator's count (which starts on receipt) and
/// before a peer's grant (which starts on the peer's receipt).
///
/// A value type with no clock of its own: every question takes the instant it is asked at.
public struct LeaseKeeper: Sendable, Equatable {
    /// Who renewed the lease last.
    public enum Grantor: String, Sendable, Equatable {
        case coordinator
        case peer
    }

    /// How long before the lease's end an unrenewed agent fences.
    public let fenceMargin: Duration
    /// When the lease ends; nil when none is held.
    public private(set) var expiry: ContinuousClock.Instant?
    /// Who granted the lease that ends at `expiry`.
    public private(set) var grantor: Grantor?

    /// No lease held yet.
    public init(fenceMargin: Duration) {
        self.fenceMargin = fenceMargin
    }

    /// A grant of `validFor` on a request sent at `sentAt`. A grant never shortens a lease
    /// already held: a late reply to an older request must not cut a newer one.
    public mutating func renew(sentAt: ContinuousClock.Instant, validFor: Duration, by: Grantor) {
        let end = sentAt + validFor
        if let expiry = self.expiry, expiry >= end { return }
        self.expiry = end
        self.grantor = by
    }

    /// Gives the lease up (a fence, a demotion, a follow, restarts that failed).
    public mutating func release() {
        self.expiry = nil
        self.grantor = nil
    }

    /// True while the lease has not ended at `now`.
    public func isHeld(at now: ContinuousClock.Instant) -> Bool {
        guard let expiry = self.expiry else { return false }
        return now < expiry
    }

    /// True once `now` is within the fence margin of the lease's end (or past it, or no
    /// lease is held): the moment to seek a peer's grant, and failing that to fence.
    public func isWithinFenceMargin(at now: ContinuousClock.Instant) -> Bool {
        guard let expiry = self.expiry else { return true }
        return now >= expiry - self.fenceMargin
    }

    /// What is left of the lease at `now` (zero when none).
    public func remaining(at now: ContinuousClock.Instant) -> Duration {
        guard let expiry = self.expiry, expiry > now else { return .zero }
        return expiry - now
    }
}
