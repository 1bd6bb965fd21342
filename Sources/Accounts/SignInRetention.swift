import Postgres
import Telemetry

/// Removes spent sign-in rows (long-expired challenges and links, long-ended sessions, throttle
/// counts whose window and lock are over) through `portal.purge_spent_sign_in_rows`, which
/// decides what is spent. Every API node may run one: the deletes are idempotent, and a
/// batch limit keeps each transaction short.
public struct SignInRetention: Sendable {
    let pool: PostgresPool
    let logger: Logger
    /// Rows of each kind removed by one call.
    let batch: Int
    /// The pause between purges once nothing is left to remove.
    let interval: Duration

    public init(
        pool: PostgresPool, logger: Logger, batch: Int = 5_000, interval: Duration = .seconds(3_600)
    ) {
        self.pool = pool
        self.logger = logger
        self.batch = batch
        self.interval = interval
    }

    /// Purges until the task is cancelled: calls again at once while rows keep going, then
    /// waits `interval`. A failed purge is logged and tried again after the interval.
    public func run() async {
        while !Task.isCancelled {
            var removedAny = false
            do {
                let removed = try await self.purgeOnce()
                removedAny = removed.values.contains { $0 > 0 }
                if removedAny {
                    self.logger.info(
                        "spent sign-in rows removed",
                        removed.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })
                }
            } catch {
                self.logger.warning(
                    "cannot remove spent sign-in rows", [("error", .string(error.message))])
            }
            if !removedAny {
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One call of the purge: how many rows of each kind went.
    public func purgeOnce() async throws(PostgresError) -> [String: Int] {
        let batch = Int32(clamping: self.batch)
        let rows = try await self.pool.query(
            "SELECT kind, removed FROM portal.purge_spent_sign_in_rows(\(batch))")
        var removed: [String: Int] = [:]
        for row in rows {
            let (kind, count) = try row.decode((String, Int64).self)
            removed[kind] = Int(count)
        }
        return removed
    }
}
