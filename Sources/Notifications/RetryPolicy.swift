/// When to try a failed delivery again, and when to give up: exponential backoff from
/// `baseDelay`, doubling per attempt up to `maximumDelay`, spread by up to ±`jitter` so
/// that messages held up by one outage do not all return at once; after `maximumAttempts`
/// the message is dead-lettered.
public struct RetryPolicy: Sendable {
    public var baseDelay: Duration
    public var maximumDelay: Duration
    public var maximumAttempts: Int
    /// The fraction (0 to 0.5) by which a delay may randomly grow or shrink.
    public var jitter: Double

    /// 30 s, 1 min, 2 min, ... up to 1 h between tries; 10 attempts (about 5 hours).
    public static let standard = RetryPolicy(
        baseDelay: .seconds(30), maximumDelay: .seconds(3_600), maximumAttempts: 10, jitter: 0.2)

    public init(baseDelay: Duration, maximumDelay: Duration, maximumAttempts: Int, jitter: Double) {
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
        self.jitter = min(max(jitter, 0), 0.5)
    }

    /// What to do after attempt number `attempt` (1 for the first) failed with `error`.
    public enum Decision: Equatable, Sendable {
        case retry(after: Duration)
        case deadLetter
    }

    public func decision(afterAttempt attempt: Int, error: NotificationError) -> Decision {
        guard !error.isPermanent, attempt < self.maximumAttempts else { return .deadLetter }
        return .retry(after: self.delay(afterAttempt: attempt, random: Double.random(in: -1...1)))
    }

    /// The pause after attempt `attempt`, with `random` in -1...1 choosing the jitter.
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        var delay = self.baseDelay
        for _ in 1..<max(attempt, 1) where delay < self.maximumDelay {
            delay *= 2
        }
        delay = min(delay, self.maximumDelay)
        return delay * (1 + self.jitter * min(max(random, -1), 1))
    }
}
