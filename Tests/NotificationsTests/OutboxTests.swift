import Foundation
import Postgres
import Security
import Telemetry
import Testing

@testable import Notifications

/// The outbox end to end: rows written in the API's transactions as portal_app, delivered
/// by the worker to a real SMTP server on loopback.
@Suite("Outbox")
struct OutboxTests {
    /// Quick retries so that the tests need not wait: 200 ms, then 400 ms, no jitter.
    static let retry = RetryPolicy(
        baseDelay: .milliseconds(200), maximumDelay: .seconds(2), maximumAttempts: 3, jitter: 0)

    func worker(
        _ pool: PostgresPool, port: Int, lease: Duration = .seconds(30),
        retry: RetryPolicy = Self.retry
    ) throws -> OutboxWorker {
        let smtp = SMTPConfiguration(
            host: "127.0.0.1", port: port, security: .plaintext, heloName: "api-a.portal.example",
            connectTimeout: .seconds(2), replyTimeout: .seconds(10))
        let configuration = OutboxWorker.Configuration(
            sender: try EmailAddress("no-reply@portal.example"), senderName: "Imaging Portal",
            batchSize: 5,
            lease: lease, retry: retry)
        return OutboxWorker(
            pool: pool, sender: SMTPSender(configuration: smtp, logger: OutboxDatabase.logger),
            configuration: configuration, logger: OutboxDatabase.logger)
    }

    /// Queues one e-mail in a transaction working for `tenant`.
    @discardableResult
    func enqueue(
        _ pool: PostgresPool, _ database: OutboxDatabase,
        to recipient: String = "ada.smith@nhs.example"
    ) async throws -> UUID {
        let email = try OutgoingEmail(
            to: recipient, subject: "Your sign-in code", body: "Your code is 004217.")
        return try await pool.transaction { transaction in
            _ = try await transaction.query(
                "SELECT set_config('portal.tenant_id', \(database.tenantText), true)")
            return try await Outbox.enqueue(email, tenant: database.tenant, in: transaction)
        }
    }

    func row(_ database: OutboxDatabase, _ reference: UUID) async throws -> [String] {
        let text = try await database.psql(
            """
            SELECT state, attempts, next_attempt_at >= updated_at + interval '150 milliseconds',
                   coalesce(last_error, ''), body IS NULL
            FROM portal.outbox WHERE reference = '\(reference.uuidString.lowercased())';
            """)
        return text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }

    /// Runs worker passes until one claims something, for at most `seconds`.
    func passWhenDue(
        _ worker: OutboxWorker, seconds: Double = 15
    ) async throws -> OutboxWorker.Pass {
        let started = Date()
        while Date().timeIntervalSince(started) < seconds {
            let pass = try await worker.runOnce()
            if pass.claimed > 0 {
                return pass
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return OutboxWorker.Pass()
    }

    @Test(
        "a committed message is delivered once, with its reference as Message-ID, and its body cleared"
    )
    func delivered() async throws {
        let database = try await OutboxDatabase.create()
        let sink = try SMTPSink()
        defer { sink.stop() }

        try await database.withPool { pool in
            let reference = try await self.enqueue(pool, database)
            let worker = try self.worker(pool, port: sink.port)

            #expect(try await worker.runOnce() == OutboxWorker.Pass(claimed: 1, sent: 1))
            #expect(try await worker.runOnce() == OutboxWorker.Pass())

            let received = try sink.received()
            try #require(received.count == 1)
            #expect(
                received[0].headers["Message-ID"]
                    == "<\(reference.uuidString.lowercased())@portal.example>")
            #expect(received[0].rcpt_tos == ["ada.smith@nhs.example"])
            #expect(received[0].body == "Your code is 004217.")
            #expect(try await self.row(database, reference) == ["sent", "1", "f", "", "t"])
        }
    }

    @Test("a message queued in a transaction that rolls back is never sent")
    func rolledBack() async throws {
        let database = try await OutboxDatabase.create()
        let sink = try SMTPSink()
        defer { sink.stop() }

        try await database.withPool { pool in
            struct Abandon: Error {}
            let email = try OutgoingEmail(
                to: "ada.smith@nhs.example", subject: "Code", body: "000001")
            await #expect(throws: Abandon.self) {
                try await pool.transaction { transaction in
                    _ = try await transaction.query(
                        "SELECT set_config('portal.tenant_id', \(database.tenantText), true)")
                    try await Outbox.enqueue(email, tenant: database.tenant, in: transaction)
                    throw Abandon()
                }
            }

            #expect(try await self.worker(pool, port: sink.port).runOnce() == OutboxWorker.Pass())
            #expect(try await database.psql("SELECT count(*) FROM portal.outbox;") == "0")
            #expect(try sink.received().isEmpty)
        }
    }

    @Test("a 4xx reply is retried after a backoff and then delivered")
    func transientRetried() async throws {
        let database = try await OutboxDatabase.create()
        let sink = try SMTPSink()
        defer { sink.stop() }

        try await database.withPool { pool in
            let reference = try await self.enqueue(pool, database, to: "defer-ada@nhs.example")
            // A backoff no busy machine outlasts; the test then moves the retry time itself.
            var retry = Self.retry
            retry.baseDelay = .seconds(600)
            retry.maximumDelay = .seconds(600)
            let worker = try self.worker(pool, port: sink.port, retry: retry)

            #expect(try await worker.runOnce() == OutboxWorker.Pass(claimed: 1, retried: 1))
            let failed = try await self.row(database, reference)
            #expect(failed[0...2] == ["pending", "1", "t"])
            #expect(failed[3].contains("451"))
            #expect(try await worker.runOnce() == OutboxWorker.Pass(), "not due yet")

            try await database.psql(
                """
                UPDATE portal.outbox SET next_attempt_at = now()
                WHERE reference = '\(reference)';
                """)
            #expect(try await self.passWhenDue(worker) == OutboxWorker.Pass(claimed: 1, sent: 1))
            #expect(try await self.row(database, reference)[0...1] == ["sent", "2"])
            #expect(try sink.received().count == 1)
        }
    }

    @Test("a 5xx reply dead-letters the message at once, keeping its body for an operator")
    func permanentDeadLettered() async throws {
        let database = try await OutboxDatabase.create()
        let sink = try SMTPSink()
        defer { sink.stop() }

        try await database.withPool { pool in
            let reference = try await self.enqueue(pool, database, to: "reject-ada@nhs.example")
            let worker = try self.worker(pool, port: sink.port)

            #expect(try await worker.runOnce() == OutboxWorker.Pass(claimed: 1, deadLettered: 1))
            let dead = try await self.row(database, reference)
            #expect(dead[0...1] == ["dead", "1"])
            #expect(dead[3].contains("550"))
            #expect(dead[4] == "f")
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await worker.runOnce() == OutboxWorker.Pass())
            #expect(try sink.received().isEmpty)
        }
    }

    @Test("with the relay down the message backs off, and is delivered once the relay is up")
    func relayDown() async throws {
        let database = try await OutboxDatabase.create()
        let port = try SMTPSink.freePort()

        try await database.withPool { pool in
            let reference = try await self.enqueue(pool, database)
            let worker = try self.worker(pool, port: port)

            #expect(try await worker.runOnce() == OutboxWorker.Pass(claimed: 1, retried: 1))
            let failed = try await self.row(database, reference)
            #expect(failed[0...2] == ["pending", "1", "t"])
            #expect(failed[3].contains("connection-failed"))

            let sink = try SMTPSink(port: port)
            defer { sink.stop() }
            #expect(try await self.passWhenDue(worker) == OutboxWorker.Pass(claimed: 1, sent: 1))
            #expect(try sink.received().count == 1)
        }
    }

    @Test("a relay that stays down dead-letters the message after the last attempt")
    func attemptsExhausted() async throws {
        let database = try await OutboxDatabase.create()
        let port = try SMTPSink.freePort()

        try await database.withPool { pool in
            let reference = try await self.enqueue(pool, database)
            let worker = try self.worker(pool, port: port)

            #expect(try await worker.runOnce() == OutboxWorker.Pass(claimed: 1, retried: 1))
            #expect(try await self.passWhenDue(worker) == OutboxWorker.Pass(claimed: 1, retried: 1))
            #expect(
                try await self.passWhenDue(worker) == OutboxWorker.Pass(claimed: 1, deadLettered: 1)
            )
            #expect(try await self.row(database, reference)[0...1] == ["dead", "3"])
        }
    }

    @Test(
        "a worker killed between sending and recording: the lease lapses and the resend has the same Message-ID"
    )
    func abandonedClaim() async throws {
        let database = try await OutboxDatabase.create()
        let sink = try SMTPSink()
        defer { sink.stop() }

        try await database.withPool { pool in
            let reference = try await self.enqueue(pool, database)
            let doomed = try self.worker(pool, port: sink.port, lease: .seconds(3))

            // The doomed worker claims and sends, then "dies" before recording the outcome.
            let claimed = try await doomed.claim()
            try #require(claimed.count == 1)
            let email = try claimed[0].email(from: doomed.configuration.sender, name: nil)
            try await doomed.sender.send(email)

            let survivor = try self.worker(pool, port: sink.port)
            #expect(try await survivor.runOnce() == OutboxWorker.Pass(), "the lease still holds")
            #expect(try await self.passWhenDue(survivor) == OutboxWorker.Pass(claimed: 1, sent: 1))

            let received = try sink.received()
            try #require(received.count == 2)
            let expected = "<\(reference.uuidString.lowercased())@portal.example>"
            #expect(received.map { $0.headers["Message-ID"] } == [expected, expected])
            #expect(try await self.row(database, reference)[0...1] == ["sent", "2"])

            // The dead worker's late outcome no longer counts.
            let late = try await pool.query(
                "SELECT portal.outbox_record_failure(\(reference), \(claimed[0].leaseToken), 'late', NULL)"
            )
            #expect(try late[0].decode(Bool.self, at: 0) == false)
            #expect(try await self.row(database, reference)[0] == "sent")
        }
    }
}
