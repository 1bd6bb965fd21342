import Foundation
import PortalTesting
import Testing

@testable import Postgres

/// A read-write pool on a connection string naming both servers of a pair follows the
/// primary when it moves, without being restarted.
@Suite struct FailoverTests {
    /// Writes until one succeeds or `timeout` passes; returns the port of the server that
    /// took the write, and how many attempts failed on the way.
    func writeUntilAccepted(
        _ pool: PostgresPool, value: Int64, timeout: Duration = .seconds(40)
    ) async throws -> (port: Int32, failures: Int) {
        let deadline = ContinuousClock.now + timeout
        var failures = 0
        while true {
            do throws(PostgresError) {
                let rows = try await pool.query(
                    "INSERT INTO events (value) VALUES (\(value)) RETURNING inet_server_port()")
                return (try rows[0].decode(Int32.self, at: 0), failures)
            } catch {
                failures += 1
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func configure(_ configuration: inout PostgresPoolConfiguration) {
        configuration.minimumConnections = 2
        configuration.maximumConnections = 4
        configuration.acquireTimeout = .seconds(2)
        configuration.reconnectBackoffLimit = .milliseconds(500)
        configuration.connection.connectTimeout = .seconds(3)
    }

    @Test func whenThePrimaryStopsAndTheStandbyIsPromotedWritesFollow() async throws {
        try await TestClusterPair.with { pair in
            try await pair.primary.psql("CREATE TABLE events (value int8 NOT NULL);")
            var configuration = PoolFixture.configuration(
                pair.multiHostConnectionString(), application: PoolFixture.uniqueApplicationName())
            self.configure(&configuration)
            #expect(configuration.requiresWritableServer)

            try await PoolFixture.with(configuration) { pool in
                let before = try await self.writeUntilAccepted(pool, value: 1)
                #expect(before.port == Int32(pair.primary.port))

                try await pair.primary.stop(mode: .immediate)
                try await pair.standby.promote()

                let after = try await self.writeUntilAccepted(pool, value: 2)
                #expect(after.port == Int32(pair.standby.port))

                let rows = try await pool.query("SELECT count(*)::int8 FROM events")
                #expect(try rows[0].decode(Int64.self, at: 0) == 2)
            }
        }
    }

    /// The outage as a client sees it: with the primary stopped and nothing writable, a
    /// query fails at once (not after the acquire timeout), and once the standby has been
    /// promoted the next write succeeds well under a second later.
    @Test func theNewPrimaryIsReachedWellUnderASecondAfterPromotion() async throws {
        try await TestClusterPair.with { pair in
            try await pair.primary.psql("CREATE TABLE events (value int8 NOT NULL);")
            var configuration = PoolFixture.configuration(
                pair.multiHostConnectionString(), application: PoolFixture.uniqueApplicationName())
            configuration.minimumConnections = 2
            configuration.maximumConnections = 4
            configuration.acquireTimeout = .seconds(10)
            configuration.connection.connectTimeout = .seconds(3)

            try await PoolFixture.with(configuration) { pool in
                _ = try await self.writeUntilAccepted(pool, value: 1)
                try await pair.primary.stop(mode: .immediate)

                // A few seconds of outage, long enough for the reconnect backoff to reach
                // its limit; every query in it fails fast.
                var slowest = Duration.zero
                let outageEnd = ContinuousClock.now + .seconds(3)
                var failures = 0
                while ContinuousClock.now < outageEnd {
                    let start = ContinuousClock.now
                    let error = await #expect(throws: PostgresError.self) {
                        try await pool.query("INSERT INTO events (value) VALUES (2)")
                    }
                    #expect(error?.isConnectionLoss == true, "\(String(describing: error))")
                    slowest = max(slowest, ContinuousClock.now - start)
                    failures += 1
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(failures > 5)
                #expect(slowest < .seconds(1), "a query waited \(slowest) with no server up")

                try await pair.standby.promote()
                let promoted = ContinuousClock.now
                var accepted: Int32?
                while accepted == nil, ContinuousClock.now - promoted < .seconds(10) {
                    do throws(PostgresError) {
                        let rows = try await pool.query(
                            "INSERT INTO events (value) VALUES (3) RETURNING inet_server_port()")
                        accepted = try rows[0].decode(Int32.self, at: 0)
                    } catch {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                let reached = ContinuousClock.now - promoted
                print("first write on the new primary \(reached) after its promotion")
                #expect(accepted == Int32(pair.standby.port))
                #expect(reached < .milliseconds(750), "the new primary took \(reached)")
                #expect(try await pool.isWritable())
            }
        }
    }

    /// Readiness on a read-write pool whose server is in recovery (a demoted primary seen
    /// through a connection that stayed open): not writable, and the connection is dropped
    /// so that the next one looks for the primary again.
    @Test func readinessDropsAConnectionToAServerInRecovery() async throws {
        try await TestClusterPair.with { pair in
            var configuration = PoolFixture.configuration(
                pair.standby.connectionString(), application: PoolFixture.uniqueApplicationName())
            configuration.minimumConnections = 1
            configuration.maximumConnections = 1
            configuration.requiresWritableServer = true

            try await PoolFixture.with(configuration) { pool in
                let before = try await pool.query("SELECT pg_backend_pid()")
                let first = try before[0].decode(Int32.self, at: 0)

                #expect(try await pool.isWritable() == false)

                let after = try await pool.query("SELECT pg_backend_pid()")
                #expect(try after[0].decode(Int32.self, at: 0) != first)
            }

            var primary = PoolFixture.configuration(
                pair.primary.connectionString(), application: PoolFixture.uniqueApplicationName())
            primary.maximumConnections = 1
            try await PoolFixture.with(primary) { pool in
                let before = try await pool.query("SELECT pg_backend_pid()")
                #expect(try await pool.isWritable())
                let after = try await pool.query("SELECT pg_backend_pid()")
                #expect(
                    try after[0].decode(Int32.self, at: 0) == before[0].decode(Int32.self, at: 0))
            }
        }
    }

    @Test func aPrimaryThatTurnsReadOnlyIsLeftForTheNewOne() async throws {
        try await TestClusterPair.with { pair in
            try await pair.primary.psql("CREATE TABLE events (value int8 NOT NULL);")
            var configuration = PoolFixture.configuration(
                pair.multiHostConnectionString(), application: PoolFixture.uniqueApplicationName())
            self.configure(&configuration)

            try await PoolFixture.with(configuration) { pool in
                _ = try await self.writeUntilAccepted(pool, value: 1)

                try await pair.primary.psql(
                    """
                    ALTER SYSTEM SET synchronous_standby_names = '';
                    ALTER SYSTEM SET default_transaction_read_only = on;
                    SELECT pg_reload_conf();
                    """)
                try await pair.standby.promote()

                let error = await #expect(throws: PostgresError.self) {
                    try await pool.query("INSERT INTO events (value) VALUES (2)")
                }
                #expect(error?.isReadOnlyTransaction == true)

                let after = try await self.writeUntilAccepted(pool, value: 3)
                #expect(after.port == Int32(pair.standby.port))
            }
        }
    }
}
