import Postgres
import Testing

/// Statement timeouts and cancelling the calling task.
@Suite("Postgres cancellation and timeouts")
struct CancelTests {
    @Test("the configured statement timeout stops a long statement and the connection goes on")
    func statementTimeout() async throws {
        try await TestDatabase.withConnection(statementTimeout: .milliseconds(200)) { connection in
            let setting = try await connection.query("SELECT current_setting('statement_timeout')")
            #expect(try setting[0].decode(String.self, at: 0) == "200ms")

            let start = ContinuousClock.now
            let error = await #expect(throws: PostgresError.self) {
                try await connection.query("SELECT pg_sleep(5)")
            }
            #expect(secondsSince(start) < 2)
            #expect(error?.code == .timeout)
            #expect(error?.sqlState == "57014")
            #expect(try await connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test("cancelling the calling task cancels pg_sleep(10) on the server within a second")
    func taskCancellation() async throws {
        try await TestDatabase.withConnection { connection in
            let sleeping = Task { () async throws(PostgresError) -> PostgresRows in
                try await connection.query("SELECT pg_sleep(10)")
            }
            try await Task.sleep(for: .milliseconds(200))
            let start = ContinuousClock.now
            sleeping.cancel()
            let error = await #expect(throws: PostgresError.self) { try await sleeping.value }
            #expect(secondsSince(start) < 1)
            #expect(error?.code == .cancelled)
            #expect(error?.sqlState == "57014")
            #expect(connection.isUsable)
            #expect(try await connection.query("SELECT 3")[0].decode(Int.self, at: 0) == 3)
        }
    }

    @Test("a task cancelled before its statement is sent fails at once without a round trip")
    func cancelledBeforeSending() async throws {
        try await TestDatabase.withConnection { connection in
            let task = Task { () async throws(PostgresError) -> PostgresRows in
                withUnsafeCurrentTask { $0?.cancel() }
                return try await connection.query("SELECT 1")
            }
            let error = await #expect(throws: PostgresError.self) { try await task.value }
            #expect(error?.code == .cancelled)
            #expect(error?.sqlState == nil)
            #expect(connection.isUsable)
        }
    }
}
