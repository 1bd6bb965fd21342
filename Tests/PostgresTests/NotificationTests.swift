import Postgres
import Reactor
import Testing

/// LISTEN/NOTIFY delivered as an asynchronous sequence.
@Suite("Postgres notifications")
struct NotificationTests {
    @Test("notifications arrive in order with their payloads, and ending the sequence unlistens")
    func deliversInOrder() async throws {
        let configuration = try await TestDatabase.configuration()
        let loop = try EventLoop(name: "pg-notify")
        defer { loop.shutdown() }
        let listener = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let sender = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)

        let channel = "referral \"events\""
        do {
            let notifications = try await listener.listen(channel)
            let listening = try await listener.query("SELECT pg_listening_channels()")
            #expect(try listening[0].decode(String.self, at: 0) == channel)

            for index in 0..<100 {
                let payload = "payload \(index) ✓"
                _ = try await sender.query("SELECT pg_notify(\(channel), \(payload))")
            }
            var received: [PostgresNotification] = []
            for try await notification in notifications {
                received.append(notification)
                if received.count == 100 { break }
            }
            #expect(received.map(\.payload) == (0..<100).map { "payload \($0) ✓" })
            #expect(
                received.allSatisfy { $0.channel == channel && $0.backendPID == sender.backendPID })
        }

        // The sequence is gone: the connection stops listening to the channel.
        var channels = 1
        for _ in 0..<50 where channels != 0 {
            channels = try await listener.query("SELECT pg_listening_channels()").count
            if channels != 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(channels == 0)
        await listener.close()
        await sender.close()
    }

    @Test("cancelling the iterating task ends the sequence; losing the connection throws")
    func cancellationAndLoss() async throws {
        let configuration = try await TestDatabase.configuration()
        let loop = try EventLoop(name: "pg-notify")
        defer { loop.shutdown() }
        let listener = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let killer = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)

        let first = try await listener.listen("one")
        let iterating = Task {
            for try await _ in first {}
        }
        try await Task.sleep(for: .milliseconds(50))
        iterating.cancel()
        _ = await iterating.result
        let remaining = try await listener.query("SELECT pg_listening_channels()")
        #expect(remaining.isEmpty, "cancelling the iteration unlistens")

        let second = try await listener.listen("two")
        let pid = listener.backendPID
        _ = try await killer.query("SELECT pg_terminate_backend(\(pid))")
        let error = await #expect(throws: PostgresError.self) {
            for try await _ in second {}
        }
        #expect(error?.isConnectionLoss == true)
        await killer.close()
    }

    @Test("channel names PostgreSQL cannot hold are refused")
    func badChannel() async throws {
        try await TestDatabase.withConnection { connection in
            for bad in ["", String(repeating: "c", count: 64), "nul\u{0}"] {
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.listen(bad)
                }
                #expect(error?.code == .invalidArgument)
            }
        }
    }
}
