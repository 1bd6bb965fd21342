/// Everything one load run saw, written as JSON for the drill's check: each referral with
/// every attempt under its idempotency key, the failure windows, and the node watcher's
/// samples. Times are wall-clock milliseconds since the epoch.
struct LoadRecord: Codable {
    /// One request sent under a referral's key.
    struct Attempt: Codable {
        let startedAt: Int64
        let endedAt: Int64
        /// `acknowledged`, `replayed` (201 with Idempotent-Replayed: the first attempt had
        /// committed), `http-NNN`, or the transport failure (`connect`, `timeout`, ...).
        let outcome: String
        let detail: String?
    }

    /// One referral: its key, its attempts, and, once acknowledged, its id.
    struct Referral: Codable {
        let key: String
        let scheduledAt: Int64
        var attempts: [Attempt]
        var id: String?
        var acknowledgedAt: Int64?
        /// When the attempt that was acknowledged started.
        var acknowledgedAttemptStartedAt: Int64?
        /// The acknowledgement was a replay of an earlier attempt that had committed.
        var replayed: Bool
        /// A 4xx other than 429: the portal refused the referral; it is not retried.
        var refused: Bool
    }

    /// A stretch of time in which attempts failed, with no acknowledgement in between that
    /// lasted more than a second.
    struct FailureWindow: Codable {
        let from: Int64
        let to: Int64
        let failures: Int
        let kinds: [String: Int]
    }

    /// What the watcher saw of one PostgreSQL node at one moment.
    struct NodeSample: Codable {
        let at: Int64
        let port: Int
        let reachable: Bool
        /// Not in recovery: the node accepts writes.
        let writable: Bool
        let referrals: Int?
        let timeline: Int?
        let error: String?
    }

    let run: String
    let url: String
    let rate: Double
    let startedAt: Int64
    var endedAt: Int64
    var referrals: [Referral]
    var failureWindows: [FailureWindow]
    var samples: [NodeSample]
    /// Referrals scheduled but still waiting for a worker when the run ended (never sent).
    var unsent: Int
}
