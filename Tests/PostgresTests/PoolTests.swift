import Foundation
import PortalTesting
import Reactor
import Synchronization
import Telemetry
import Testing

@testable import Postgres

/// The pool against a real PostgreSQL server: sharing, limits, replacement of broken
/// connections, acquire timeout and idle closing.
@Suite struct PoolTests {
    @Test func aThousandConcurrentQueriesShareAtMostEightConnections() async throws {
        let cluster = try await TestCluster.shared()
        let application = PoolFixture.uniqueApplicationName()
        try await PoolFixture.with(cluster, application: application) { pool in
            let observer = try await PoolFixture.observer(cluster)
            let peak = ActivityPeak()
            let sampling = Task {
                while !Task.isCancelled {
                    let count = try await observer.query(
                        "SELECT count(*)::int8 FROM pg_stat_activity WHERE application_name = \(application)"
                    )
                    peak.observe(Int(try count[0].decode(Int64.self, at: 0)))
                    try await Task.sleep(for: .milliseconds(5))
                }
            }

            let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
                for number in 0..<1000 {
                    group.addTask {
                        let rows = try await pool.query(
                            "SELECT \(Int64(number)) * 2, \(String(number))")
                        let (doubled, text) = try rows[0].decode((Int64, String).self)
                        return doubled == Int64(number) * 2 && text == String(number)
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            sampling.cancel()
            await observer.close()

            #expect(answers.count == 1000 && answers.allSatisfy { $0 })
            #expect(peak.value <= 8)
            #expect(peak.value >= 1)
            #expect(await pool.statistics.open <= 8)
        } configure: {
            $0.maximumConnections = 8
        }
    }

    @Test func aTerminatedConnectionFailsItsCallerAndIsReplaced() async throws {
        let cluster = try await TestCluster.shared()
        let application = PoolFixture.uniqueApplicationName()
        try await PoolFixture.with(cluster, application: application) { pool in
            let slow = Task { try await pool.query("SELECT pg_sleep(30)") }
            try await cluster.waitUntil("the slow query to start", timeout: .seconds(10)) {
                let running = try await cluster.psql(
                    """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE application_name = '\(application)' AND query LIKE '%pg_sleep%';
                    """)
                return running == "1"
            }

            try await cluster.psql(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = '\(application)' AND query LIKE '%pg_sleep%';
                """)

            let error = await #expect(throws: PostgresError.self) { try await slow.value }
            #expect(error?.isConnectionLoss == true)

            let rows = try await pool.query("SELECT 41 + 1")
            #expect(try rows[0].decode(Int32.self, at: 0) == 42)
            #expect(await pool.statistics.open == 1)
        } configure: {
            $0.minimumConnections = 1
            $0.maximumConnections = 1
        }
    }

    @Test func waitingPastTheAcquireTimeoutGivesAClearError() async throws {
        let cluster = try await TestCluster.shared()
        try await PoolFixture.with(cluster) { pool in
            try await PoolFixture.waitForOpenConnections(pool, count: 1)
            try await pool.withConnection { _ in
                let error = await #expect(throws: PostgresError.self) {
                    try await pool.query("SELECT 1")
                }
                #expect(error?.code == .poolExhausted)
                #expect(error?.message.contains("acquire timeout of 200 ms") == true)
                #expect(error?.message.contains("maximum 1 connections") == true)
            }

            let rows = try await pool.query("SELECT 1")
            #expect(rows.count == 1)
        } configure: {
            $0.maximumConnections = 1
            $0.acquireTimeout = .milliseconds(200)
        }
    }

    @Test func idleConnectionsAboveTheMinimumAreClosedAndTheMinimumKept() async throws {
        let cluster = try await TestCluster.shared()
        try await PoolFixture.with(cluster) { pool in
            // Four leases held at the same time, so that the pool must open four; counted
            // while they are held, since the idle timeout may close some soon after.
            let holders = LeaseHolders()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            holders.count.add(1, ordering: .relaxed)
                            let deadline = ContinuousClock.now + .seconds(10)
                            while holders.count.load(ordering: .relaxed) < 4,
                                ContinuousClock.now < deadline
                            {
                                try await Task.sleep(for: .milliseconds(10))
                            }
                            _ = try await connection.query("SELECT 1")
                            let open = await pool.statistics.open
                            holders.openWhileHeld.max(open, ordering: .relaxed)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(holders.count.load(ordering: .relaxed) == 4)
            #expect(holders.openWhileHeld.load(ordering: .relaxed) == 4)

            let deadline = ContinuousClock.now + .seconds(10)
            while await pool.statistics.open > 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(500))

            let statistics = await pool.statistics
            #expect(statistics.open == 2)
            #expect(statistics.idle == 2)
        } configure: {
            $0.minimumConnections = 2
            $0.maximumConnections = 4
            $0.idleTimeout = .milliseconds(300)
            $0.maintenanceInterval = .milliseconds(50)
        }
    }

    @Test func badLimitsAreRejectedWithTheSettingNamed() throws {
        var configuration = PostgresPoolConfiguration(
            connection: PostgresConfiguration(connectionString: "host=127.0.0.1"))
        configuration.minimumConnections = 9

        let error = #expect(throws: PostgresError.self) { try configuration.limits() }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("minimumConnections") == true)
    }
}

/// The largest value seen, from any thread.
final class ActivityPeak: Sendable {
    private let peak = Mutex(0)

    func observe(_ value: Int) {
        self.peak.withLock { $0 = max($0, value) }
    }

    var value: Int { self.peak.withLock { $0 } }
}

/// Pools for tests: one on a loop of its own, always closed afterwards.
enum PoolFixture {
    /// A loop for connections that watch the server from outside the pool under test.
    static let observerLoop = try! EventLoop(name: "observer")

    static func uniqueApplicationName() -> String {
        "pool_test_\(UInt32.random(in: 0...UInt32.max))"
    }

    static func configuration(
        _ connectionString: String, application: String
    ) -> PostgresPoolConfiguration {
        PostgresPoolConfiguration(
            connection: PostgresConfiguration(
                connectionString: connectionString, applicationName: application))
    }

    static func with(
        _ cluster: TestCluster,
        database: String = "postgres",
        application: String = PoolFixture.uniqueApplicationName(),
        _ body: (PostgresPool) async throws -> Void,
        configure: (inout PostgresPoolConfiguration) -> Void = { _ in }
    ) async throws {
        var configuration = Self.configuration(
            cluster.connectionString(database: database), application: application)
        configure(&configuration)
        try await Self.with(configuration, body)
    }

    static func with(
        _ configuration: PostgresPoolConfiguration, _ body: (PostgresPool) async throws -> Void
    ) async throws {
        let loop = try EventLoop(name: "pool-test")
        defer { loop.shutdown() }
        let pool = try PostgresPool(
            configuration: configuration, on: loop, logger: Logger(label: "test", level: .error))

        do {
            try await body(pool)
            await pool.close()
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Waits (bounded) until the pool has opened `count` connections, so that a test's own
    /// timing does not include connecting on a busy machine.
    static func waitForOpenConnections(_ pool: PostgresPool, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while await pool.statistics.open < count {
            guard ContinuousClock.now < deadline else {
                throw PostgresError(
                    code: .timeout, message: "the pool did not open \(count) connections")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// A connection outside the pool, for looking at `pg_stat_activity`.
    static func observer(_ cluster: TestCluster) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: cluster.connectionString()),
            on: Self.observerLoop, logger: Logger(label: "observer", level: .error))
    }
}

/// How many leases are held at once, shared by the tasks that hold them.
final class LeaseHolders: Sendable {
    let count = Atomic<Int>(0)
    let openWhileHeld = Atomic<Int>(0)
}
