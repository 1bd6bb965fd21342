import Foundation
import Postgres
import Telemetry

extension OutboxWorker {
    /// Sends one claimed message and records what happened.
    func deliver(_ message: ClaimedMessage, pass: inout Pass) async {
        let logger = self.logger.with(
            "outbox.reference", .string(message.reference.uuidString.lowercased())
        )
        .with("outbox.attempt", .int(Int64(message.attempts)))

        // Claimed again after its last allowed attempt's lease lapsed: stop here.
        guard message.attempts <= self.configuration.retry.maximumAttempts else {
            let error = NotificationError(
                .timeout, "the final attempt's lease lapsed without an outcome", context: "outbox")
            await self.recordFailure(message, error: error, decision: .deadLetter, pass: &pass)
            return
        }

        do throws(NotificationError) {
            let email = try message.email(
                from: self.configuration.sender, name: self.configuration.senderName)
            try await self.sender.send(email)
        } catch {
            let decision = self.configuration.retry.decision(
                afterAttempt: message.attempts, error: error)
            logger.debug(
                "outbox delivery failed",
                [
                    ("error.code", .string(error.code.description)),
                    ("outbox.dead", .bool(decision == .deadLetter)),
                ])
            await self.recordFailure(message, error: error, decision: decision, pass: &pass)
            return
        }

        let recorded = await self.record(
            "SELECT portal.outbox_record_sent(\(message.reference), \(message.leaseToken))",
            logger: logger)
        if recorded == true {
            pass.sent += 1
            logger.debug("outbox message sent")
        } else if recorded == false {
            pass.leaseLost += 1
        }
    }

    private func recordFailure(
        _ message: ClaimedMessage, error: NotificationError, decision: RetryPolicy.Decision,
        pass: inout Pass
    ) async {
        var retryMilliseconds: Int64?
        if case .retry(let delay) = decision {
            retryMilliseconds = Self.milliseconds(delay)
        }
        let text = error.description
        let recorded = await self.record(
            """
            SELECT portal.outbox_record_failure(
                \(message.reference), \(message.leaseToken), \(text),
                \(retryMilliseconds) * interval '1 millisecond')
            """, logger: self.logger)
        switch (recorded, decision) {
        case (true, .deadLetter): pass.deadLettered += 1
        case (true, .retry): pass.retried += 1
        case (false, _): pass.leaseLost += 1
        default: break
        }
    }

    /// Runs a record function; true or false as it answered, nil when the database failed
    /// (the lease then lapses and the message is tried again).
    private func record(_ query: PostgresQuery, logger: Logger) async -> Bool? {
        do {
            let rows = try await self.pool.query(query)
            return try rows.first?.decode(Bool.self, at: 0)
        } catch {
            logger.debug("outbox outcome not recorded", [("error", .string(error.message))])
            return nil
        }
    }
}
