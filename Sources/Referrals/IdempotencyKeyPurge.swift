import Postgres
import Telemetry

/// Removes idempotency keys past their 24 hours, every tenant's, through
/// `portal.purge_idempotency_keys` (which sees expired keys only). Every API node may run
/// one: concurrent purges skip each other's rows.
public struct IdempotencyKeyPurge: Sendable {
    let pool: PostgresPool
    let interval: Duration
    let logger: Logger

    public init(pool: PostgresPool, interval: Duration = .seconds(600), logger: Logger) {
        self.pool = pool
        self.interval = interval
        self.logger = logger
    }

    /// Purges one batch; returns how many keys went.
    @discardableResult
    public func purgeOnce(batch: Int = 10_000) async throws(ReferralsError) -> Int {
        do {
            let rows = try await self.pool.query(
                "SELECT portal.purge_idempotency_keys(\(Int32(clamping: batch)))")
            return try rows.first?.decode(Int.self, at: 0) ?? 0
        } catch {
            throw ReferralsError.unavailable(error)
        }
    }

    /// Purges every `interval` until the task is cancelled; a full batch is followed at
    /// once by the next.
    public func run() async {
        while !Task.isCancelled {
            var purged = 0
            do {
                purged = try await self.purgeOnce()
                if purged > 0 {
                    self.logger.debug("idempotency keys purged", [("keys", .int(Int64(purged)))])
                }
            } catch {
                self.logger.warning(
                    "idempotency key purge failed", [("error", .string(error.description))])
            }
            if purged < 10_000 {
                try? await Task.sleep(for: self.interval)
            }
        }
    }
}
