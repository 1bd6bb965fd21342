/// The primary's right to accept writes, as the coordinator (the grantor) counts it: from
/// the moment it received the heartbeat that asked for it.
public struct Lease: Sendable, Equatable {
    public let holder: NodeName
    public let term: Term
    public let lengthMilliseconds: Int
    /// When the grantor last received a renewal request.
    public private(set) var renewedAt: MonotonicInstant

    /// A lease for `holder` in `term`, granted on a request received at `receivedAt`.
    public init(
        holder: NodeName, term: Term, lengthMilliseconds: Int, receivedAt: MonotonicInstant
    ) {
        self.holder = holder
        self.term = term
        self.lengthMilliseconds = lengthMilliseconds
        self.renewedAt = receivedAt
    }

    /// When the lease ends unless renewed.
    public var expiresAt: MonotonicInstant {
        self.renewedAt.adding(milliseconds: self.lengthMilliseconds)
    }

    /// Extends the lease from a request received at `receivedAt`; an older request (out of
    /// order) never shortens it.
    public mutating func renew(receivedAt: MonotonicInstant) {
        self.renewedAt = max(self.renewedAt, receivedAt)
    }

    /// True while the holder may still be writing, as the grantor sees it.
    public func isLive(at now: MonotonicInstant) -> Bool { now < self.expiresAt }

    /// Milliseconds left at `now`, never negative.
    public func remainingMilliseconds(at now: MonotonicInstant) -> Int {
        max(0, self.expiresAt.milliseconds(since: now))
    }
}

/// The same lease as its holder counts it: from the moment it SENT the request, which is
/// never later than when the grantor received it, so the holder's copy always ends first.
public struct HeldLease: Sendable, Equatable {
    public let term: Term
    public let expiresAt: MonotonicInstant

    /// The lease granted for `validForMilliseconds` in answer to a request sent at `sentAt`.
    public init(term: Term, sentAt: MonotonicInstant, validForMilliseconds: Int) {
        self.term = term
        self.expiresAt = sentAt.adding(milliseconds: validForMilliseconds)
    }

    /// The later of two grants: a late answer to an older request never shortens the lease.
    public func extended(by other: HeldLease) -> HeldLease {
        other.expiresAt > self.expiresAt ? other : self
    }

    /// True when the holder must fence now: within `marginMilliseconds` of the end.
    public func mustFence(at now: MonotonicInstant, marginMilliseconds: Int) -> Bool {
        now >= self.expiresAt.adding(milliseconds: -marginMilliseconds)
    }
}
