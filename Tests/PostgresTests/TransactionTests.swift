import PortalTesting
import Synchronization
import Testing

@testable import Postgres

/// Transactions through the pool: commit, rollback, pipelined BEGIN, and the bounded retry
/// of serialization failures and deadlocks.
@Suite struct TransactionTests {
    /// Runs `body` with a pool on a fresh database of the shared cluster.
    func withPool(
        retries: Int = 5, _ body: (PostgresPool) async throws -> Void
    ) async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        try await PoolFixture.with(cluster, database: database, body) {
            $0.maximumConnections = 4
            $0.transactionRetries = retries
        }
    }

    @Test func aReturningBodyCommitsAndAThrowingOneRollsBack() async throws {
        try await self.withPool { pool in
            _ = try await pool.query("CREATE TABLE notes (id int8 PRIMARY KEY, body text NOT NULL)")

            try await pool.transaction { tx in
                _ = try await tx.query("INSERT INTO notes VALUES (1, 'kept')")
            }
            await #expect(throws: RollbackProbe.self) {
                try await pool.transaction { tx in
                    _ = try await tx.query("INSERT INTO notes VALUES (2, 'discarded')")
                    throw RollbackProbe()
                }
            }

            let rows = try await pool.query("SELECT id FROM notes ORDER BY id")
            #expect(try rows.map { try $0.decode(Int64.self, at: 0) } == [1])
        }
    }

    @Test func theFirstStatementRunsInsideTheRequestedIsolation() async throws {
        try await self.withPool { pool in
            let level = try await pool.transaction(isolation: .serializable, readOnly: true) { tx in
                let rows = try await tx.query("SELECT current_setting('transaction_isolation')")
                return try rows[0].decode(String.self, at: 0)
            }
            #expect(level == "serializable")
        }
    }

    @Test func aCaughtStatementErrorStillPreventsTheCommit() async throws {
        try await self.withPool { pool in
            _ = try await pool.query("CREATE TABLE marks (id int8 PRIMARY KEY)")

            let error = await #expect(throws: PostgresError.self) {
                try await pool.transaction { tx in
                    _ = try await tx.query("INSERT INTO marks VALUES (1)")
                    _ = try? await tx.query("INSERT INTO marks VALUES (1)")
                }
            }
            #expect(error?.isUniqueViolation == true)

            let rows = try await pool.query("SELECT count(*)::int8 FROM marks")
            #expect(try rows[0].decode(Int64.self, at: 0) == 0)
        }
    }

    @Test func conflictingSerializableIncrementsAreRetriedAndBothCount() async throws {
        try await self.withPool { pool in
            _ = try await pool.query(
                "CREATE TABLE counter (id int8 PRIMARY KEY, value int8 NOT NULL)")
            _ = try await pool.query("INSERT INTO counter VALUES (1, 0)")
            let attempts = AttemptCounter()
            let bothRead = Rendezvous(parties: 2)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await pool.transaction(isolation: .serializable) { tx in
                            let first = attempts.next() <= 2
                            let rows = try await tx.query("SELECT value FROM counter WHERE id = 1")
                            let value = try rows[0].decode(Int64.self, at: 0)
                            if first { await bothRead.arrive() }
                            _ = try await tx.query(
                                "UPDATE counter SET value = \(value + 1) WHERE id = 1")
                        }
                    }
                }
                try await group.waitForAll()
            }

            let rows = try await pool.query("SELECT value FROM counter WHERE id = 1")
            #expect(try rows[0].decode(Int64.self, at: 0) == 2)
            #expect(attempts.count >= 3)
        }
    }

    @Test func aDeadlockVictimIsRetriedAndBothTransactionsComplete() async throws {
        try await self.withPool { pool in
            _ = try await pool.query(
                "CREATE TABLE slots (id int8 PRIMARY KEY, taken int8 NOT NULL)")
            _ = try await pool.query("INSERT INTO slots VALUES (1, 0), (2, 0)")
            let attempts = AttemptCounter()
            let bothLocked = Rendezvous(parties: 2)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for (first, second) in [(Int64(1), Int64(2)), (2, 1)] {
                    group.addTask {
                        try await pool.transaction { tx in
                            let isFirstRun = attempts.next() <= 2
                            _ = try await tx.query("SET LOCAL deadlock_timeout = '100ms'")
                            _ = try await tx.query(
                                "UPDATE slots SET taken = taken + 1 WHERE id = \(first)")
                            if isFirstRun { await bothLocked.arrive() }
                            _ = try await tx.query(
                                "UPDATE slots SET taken = taken + 1 WHERE id = \(second)")
                        }
                    }
                }
                try await group.waitForAll()
            }

            let rows = try await pool.query("SELECT taken FROM slots ORDER BY id")
            #expect(try rows.map { try $0.decode(Int64.self, at: 0) } == [2, 2])
            // Two first runs and at least one retry; a slow machine may deadlock them again.
            #expect(attempts.count >= 3)
        }
    }

    @Test func anErrorThatIsNotAConflictIsNotRetried() async throws {
        try await self.withPool { pool in
            let attempts = AttemptCounter()

            let error = await #expect(throws: PostgresError.self) {
                try await pool.transaction(isolation: .serializable) { tx in
                    _ = attempts.next()
                    _ = try await tx.query("SELECT 1 / 0")
                }
            }

            #expect(error?.sqlState == "22012")
            #expect(attempts.count == 1)
        }
    }

    @Test func retriesAreBoundedAndTheConflictSurfaces() async throws {
        try await self.withPool(retries: 3) { pool in
            let attempts = AttemptCounter()

            let error = await #expect(throws: PostgresError.self) {
                try await pool.transaction(isolation: .serializable) { tx in
                    _ = attempts.next()
                    _ = try await tx.query("SELECT 1")
                    throw PostgresError(code: .server, message: "conflict", sqlState: "40001")
                }
            }

            #expect(error?.isSerializationFailure == true)
            #expect(attempts.count == 4)
            #expect(await pool.statistics.leased == 0)
        }
    }
}

/// Counts a transaction body's runs, from any thread.
final class AttemptCounter: Sendable {
    private let value = Mutex(0)

    /// Counts one more run and returns the count.
    func next() -> Int {
        self.value.withLock { count in
            count += 1
            return count
        }
    }

    var count: Int { self.value.withLock { $0 } }
}

/// An error a test body throws to make its transaction roll back.
struct RollbackProbe: Error {}

/// Lets `parties` tasks wait until all of them have arrived, bounded in time.
actor Rendezvous {
    private let parties: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) {
        self.parties = parties
    }

    func arrive() async {
        self.arrived += 1
        if self.arrived >= self.parties {
            for waiter in self.waiting { waiter.resume() }
            self.waiting = []
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }
}
