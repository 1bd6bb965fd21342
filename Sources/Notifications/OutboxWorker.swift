import Foundation
import Postgres
import Telemetry

/// Delivers the outbox: claims due messages across all tenants in batches, sends each,
/// and records the outcome, retrying transient failures with backoff and dead-lettering
/// permanent ones. Run one on every API node; `FOR UPDATE SKIP LOCKED` in the claim keeps
/// them from taking the same rows, and a lease that lapses (the worker died mid-send)
/// returns its row to the others, so no message is lost; a resent message carries the
/// same Message-ID, so the recipient's mail system can recognise the duplicate.
public struct OutboxWorker: Sendable {
    /// How the worker paces itself.
    public struct Configuration: Sendable {
        /// The From address of every e-mail.
        public var sender: EmailAddress
        public var senderName: String?
        /// Rows claimed at once.
        public var batchSize: Int
        /// How long a claim holds a row; longer than the slowest delivery.
        public var lease: Duration
        /// The pause when nothing was due.
        public var idleInterval: Duration
        public var retry: RetryPolicy

        public init(
            sender: EmailAddress, senderName: String? = nil, batchSize: Int = 10,
            lease: Duration = .seconds(120), idleInterval: Duration = .seconds(2),
            retry: RetryPolicy = .standard
        ) {
            self.sender = sender
            self.senderName = senderName
            self.batchSize = batchSize
            self.lease = lease
            self.idleInterval = idleInterval
            self.retry = retry
        }
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var claimed = 0
        public var sent = 0
        public var retried = 0
        public var deadLettered = 0
        /// Outcomes not recorded because the lease had lapsed and another worker took over.
        public var leaseLost = 0
    }

    let pool: PostgresPool
    let sender: any EmailSender
    let configuration: Configuration
    let logger: Logger

    public init(
        pool: PostgresPool, sender: any EmailSender, configuration: Configuration, logger: Logger
    ) {
        self.pool = pool
        self.sender = sender
        self.configuration = configuration
        self.logger = logger
    }

    /// Passes until the task is cancelled, pausing when nothing was due or the database
    /// failed.
    public func run() async {
        while !Task.isCancelled {
            let pass: Pass
            do {
                pass = try await self.runOnce()
            } catch {
                self.logger.debug("outbox pass failed", [("error", .string(error.description))])
                pass = Pass()
            }
            if pass.claimed == 0 {
                try? await Task.sleep(for: self.configuration.idleInterval)
            }
        }
    }

    /// Claims one batch and delivers it.
    public func runOnce() async throws(NotificationError) -> Pass {
        let claimed = try await self.claim()
        var pass = Pass(claimed: claimed.count)
        for message in claimed {
            await self.deliver(message, pass: &pass)
        }
        return pass
    }

    /// Leases up to a batch of due rows.
    func claim() async throws(NotificationError) -> [ClaimedMessage] {
        let batch = Int32(clamping: self.configuration.batchSize)
        let leaseMilliseconds = Self.milliseconds(self.configuration.lease)
        let query: PostgresQuery = """
            SELECT reference, tenant_id, channel, recipient, subject, body, template, attempts,
                   lease_token
            FROM portal.outbox_claim(\(batch), \(leaseMilliseconds) * interval '1 millisecond')
            """
        do {
            let rows = try await self.pool.query(query)
            var messages: [ClaimedMessage] = []
            for row in rows {
                messages.append(try ClaimedMessage(row))
            }
            return messages
        } catch {
            throw NotificationError(
                .database, "cannot claim outbox messages: \(error.message)", context: "outbox")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds
            / 1_000_000_000_000_000
    }
}
