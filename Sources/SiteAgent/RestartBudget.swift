/// How many failed restarts of the postmaster the agent tolerates: after `limit` failures
/// within `window` it gives up and reports PostgreSQL stopped, so the coordinator fails over
/// instead of waiting on a server that will not come back.
public struct RestartBudget: Sendable, Equatable {
    public let limit: Int
    public let window: Duration
    /// When each failed restart happened, oldest first, only those still in the window.
    private(set) var failures: [ContinuousClock.Instant] = []

    /// Three failures in thirty seconds, unless told otherwise.
    public init(limit: Int = 3, window: Duration = .seconds(30)) {
        self.limit = limit
        self.window = window
    }

    /// Records a failed restart at `now`; returns whether the budget is now spent.
    public mutating func recordFailure(at now: ContinuousClock.Instant) -> Bool {
        self.failures.removeAll { now - $0 > self.window }
        self.failures.append(now)
        return self.isSpent(at: now)
    }

    /// True when `limit` failures lie within the window ending at `now`.
    public func isSpent(at now: ContinuousClock.Instant) -> Bool {
        self.failures.filter { now - $0 <= self.window }.count >= self.limit
    }

    /// Forgets the failures, once PostgreSQL runs again (a new lease, a follow, a start).
    public mutating func reset() {
        self.failures.removeAll()
    }
}
