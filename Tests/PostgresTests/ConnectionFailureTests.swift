import PortalTesting
import Postgres
import Reactor
import Synchronization
import Testing

/// What callers see when the configuration is wrong, the server is not there, or the
/// session is killed under them.
@Suite("Postgres connection failures")
struct ConnectionFailureTests {
    private func connect(_ configuration: PostgresConfiguration) async throws(PostgresError) {
        let loop: EventLoop
        do {
            loop = try EventLoop(name: "pg-fail")
        } catch {
            throw PostgresError(code: .unsupported, message: "\(error)")
        }
        defer { loop.shutdown() }
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        await connection.close()
    }

    @Test("an invalid configuration is refused before any I/O, saying what is wrong")
    func badConfiguration() async throws {
        let unparsable = await #expect(throws: PostgresError.self) {
            try await self.connect(PostgresConfiguration(connectionString: "host=localhost port"))
        }
        #expect(unparsable?.code == .invalidConfiguration)
        #expect(unparsable?.message.contains("port") == true)

        let unknownKey = await #expect(throws: PostgresError.self) {
            try await self.connect(PostgresConfiguration(connectionString: "hots=127.0.0.1"))
        }
        #expect(unknownKey?.code == .invalidConfiguration)
        #expect(unknownKey?.message.contains("hots") == true)

        let badURL = await #expect(throws: PostgresError.self) {
            try await self.connect(
                PostgresConfiguration(connectionString: "postgresql://h/db?sslmode=sometimes"))
        }
        #expect(badURL?.code == .invalidConfiguration)

        let zeroTimeout = #expect(throws: PostgresError.self) {
            try PostgresConfiguration(connectionString: "host=127.0.0.1", connectTimeout: .zero)
                .validate()
        }
        #expect(zeroTimeout?.message.contains("connectTimeout") == true)

        let negative = #expect(throws: PostgresError.self) {
            try PostgresConfiguration(connectionString: "", statementTimeout: .seconds(-1))
                .validate()
        }
        #expect(negative?.message.contains("statementTimeout") == true)
    }

    @Test("connecting to a closed port fails clearly and promptly")
    func closedPort() async throws {
        let port = closedLoopbackPort()
        let start = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) {
            try await self.connect(
                PostgresConfiguration(connectionString: "host=127.0.0.1 port=\(port) user=postgres")
            )
        }
        #expect(secondsSince(start) < 2)
        #expect(error?.code == .connectionFailed)
        #expect(error?.isConnectionLoss == true)
        #expect(error?.message.contains("\(port)") == true, "\(String(describing: error))")
        #expect(error?.host == "127.0.0.1:\(port)")
    }

    @Test("with several hosts the connection moves past a dead one and says which it reached")
    func multiHost() async throws {
        let cluster = try await TestCluster.shared()
        let dead = closedLoopbackPort()
        let loop = try EventLoop(name: "pg-multi")
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString:
                "postgresql://postgres@127.0.0.1:\(dead),127.0.0.1:\(cluster.port)/postgres"
                + "?target_session_attrs=read-write")
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        #expect(connection.port == "\(cluster.port)")
        #expect(connection.host == "127.0.0.1")
        let rows = try await connection.query("SELECT current_setting('port')::int4")
        #expect(try rows[0].decode(Int.self, at: 0) == cluster.port)
        await connection.close()
    }

    @Test("a session killed mid-query fails every waiting caller at once and says so")
    func killedMidQuery() async throws {
        let configuration = try await TestDatabase.configuration()
        let loop = try EventLoop(name: "pg-kill")
        defer { loop.shutdown() }
        let victim = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let killer = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let closedWith = Mutex<PostgresError??>(nil)
        victim.onClose { error in closedWith.withLock { $0 = .some(error) } }

        let start = ContinuousClock.now
        let errors = try await withThrowingTaskGroup(of: PostgresError?.self) { group in
            group.addTask {
                do throws(PostgresError) {
                    _ = try await victim.query("SELECT pg_sleep(30)")
                    return nil
                } catch {
                    return error
                }
            }
            for index in 0..<20 {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(50))
                    do throws(PostgresError) {
                        _ = try await victim.query("SELECT \(Int64(index))")
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(300))
                let pid = victim.backendPID
                _ = try await killer.query("SELECT pg_terminate_backend(\(pid))")
                return nil
            }
            return try await group.reduce(into: [PostgresError]()) {
                if let error = $1 { $0.append(error) }
            }
        }

        #expect(secondsSince(start) < 5)
        #expect(errors.count == 21)
        #expect(errors.allSatisfy { $0.isConnectionLoss }, "\(errors)")
        #expect(errors.allSatisfy { $0.code == .connectionClosed }, "\(errors)")
        #expect(!victim.isUsable)
        #expect(victim.inFlightCount == 0)
        #expect(closedWith.withLock { $0 }??.code == .connectionClosed)

        let after = await #expect(throws: PostgresError.self) { try await victim.query("SELECT 1") }
        #expect(after?.code == .connectionClosed)
        #expect(killer.isUsable)
        await killer.close()
    }

    @Test("an idle session terminated by the server is noticed without any query")
    func idleTermination() async throws {
        let configuration = try await TestDatabase.configuration()
        let loop = try EventLoop(name: "pg-idle")
        defer { loop.shutdown() }
        let idle = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let killer = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let closed = ClosedSignal()
        idle.onClose { error in closed.signal(error) }

        let pid = idle.backendPID
        _ = try await killer.query("SELECT pg_terminate_backend(\(pid))")
        let error = try await closed.wait(upTo: .seconds(5))
        #expect(error?.isConnectionLoss == true)
        #expect(!idle.isUsable)
        await killer.close()
    }

    @Test("a connection dropped without close() ends its server session")
    func droppedConnectionIsFreed() async throws {
        let configuration = try await TestDatabase.configuration()
        let loop = try EventLoop(name: "pg-drop")
        defer { loop.shutdown() }
        let observer = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)

        var dropped: PostgresConnection? = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let pid = try #require(dropped?.backendPID)
        _ = try await dropped?.query("SELECT 1")
        dropped = nil

        var alive = true
        for _ in 0..<100 where alive {
            let rows = try await observer.query(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)")
            alive = try rows[0].decode(Int64.self, at: 0) > 0
            if alive { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(!alive)
        await observer.close()
    }

    @Test("closing fails pending callers, ends usability and tells observers it was deliberate")
    func closing() async throws {
        let configuration = try await TestDatabase.configuration()
        let loop = try EventLoop(name: "pg-close")
        defer { loop.shutdown() }
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let observed = Mutex<[PostgresError?]>([])
        connection.onClose { error in observed.withLock { $0.append(error) } }

        let sleeping = Task { () async throws(PostgresError) -> PostgresRows in
            try await connection.query("SELECT pg_sleep(10)")
        }
        try await Task.sleep(for: .milliseconds(100))
        await connection.close()
        let error = await #expect(throws: PostgresError.self) { try await sleeping.value }
        #expect(error?.code == .connectionClosed)
        #expect(!connection.isUsable)
        #expect(observed.withLock { $0.count == 1 && $0[0] == nil })

        connection.onClose { error in observed.withLock { $0.append(error) } }
        #expect(observed.withLock { $0.count } == 2)
    }
}
