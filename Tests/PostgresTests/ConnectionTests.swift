import PortalTesting
import Postgres
import Reactor
import Synchronization
import Testing

/// One connection against a real server: connecting, pipelining, prepared statements,
/// scripts and losing the server.
@Suite("Postgres connection")
struct ConnectionTests {
    @Test("connects, reports where it is, and answers a parameterised query")
    func connectsAndQueries() async throws {
        try await TestDatabase.withConnection { connection in
            #expect(connection.isUsable)
            #expect(connection.host == "127.0.0.1")
            #expect(connection.backendPID > 0)
            #expect(connection.inFlightCount == 0)

            let name = "PET-CT"
            let rows = try await connection.query(
                "SELECT pg_backend_pid(), current_setting('application_name'), \(name) || ' site'")
            #expect(rows.count == 1)
            let (pid, application, label) = try rows[0].decode((Int32, String, String).self)
            #expect(pid == connection.backendPID)
            #expect(application == "postgres-tests")
            #expect(label == "PET-CT site")
        }
    }

    @Test("1,000 concurrent callers on one connection each get their own answer")
    func manyCallersPipelined() async throws {
        try await TestDatabase.withConnection { connection in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let label = "caller \(index)"
                        let rows = try await connection.query(
                            "SELECT \(Int64(index)) * 2, \(label) || '!'")
                        let (double, echoed) = try rows[0].decode((Int64, String).self)
                        #expect(double == Int64(index) * 2)
                        #expect(echoed == "caller \(index)!")
                    }
                }
                try await group.waitForAll()
            }
            #expect(connection.inFlightCount == 0)
        }
    }

    @Test("results come back in the order the statements were sent")
    func resultsInOrder() async throws {
        try await TestDatabase.withConnection { connection in
            try await connection.execute(script: "CREATE SEQUENCE ticket")
            let callers = await Self.sendInOrder(200, on: connection)
            for (index, caller) in callers.enumerated() {
                let (ticket, echoed) = try await caller.value
                #expect(echoed == Int64(index))
                #expect(ticket == Int64(index + 1), "caller \(index) was answered out of order")
            }
        }
    }

    /// Starts `count` callers that each queue their statement, in order, before the next
    /// one starts: an immediate task runs on the connection's executor until it suspends.
    private static func sendInOrder(
        _ count: Int, on connection: isolated PostgresConnection
    ) -> [Task<(Int64, Int64), any Error>] {
        (0..<count).map { index in
            Task.immediate {
                let rows = try await connection.query("SELECT nextval('ticket'), \(Int64(index))")
                return try rows[0].decode((Int64, Int64).self)
            }
        }
    }

    @Test("an error in one caller's statement leaves the others in the pipeline untouched")
    func errorsAreIsolated() async throws {
        try await TestDatabase.withConnection { connection in
            let outcomes = try await withThrowingTaskGroup(of: (Int, PostgresError?).self) {
                group in
                for index in 0..<300 {
                    group.addTask {
                        let divisor = Int64(index % 10 == 0 ? 0 : 1)
                        do throws(PostgresError) {
                            let rows = try await connection.query(
                                "SELECT \(Int64(index)) / \(divisor)")
                            let value = try rows[0].decode(Int64.self, at: 0)
                            #expect(value == Int64(index))
                            return (index, nil)
                        } catch {
                            return (index, error)
                        }
                    }
                }
                return try await group.reduce(into: [Int: PostgresError?]()) { $0[$1.0] = $1.1 }
            }
            for (index, error) in outcomes {
                if index % 10 == 0 {
                    #expect(error?.code == .server)
                    #expect(error?.sqlState == "22012")
                } else {
                    #expect(error == nil, "caller \(index) failed: \(String(describing: error))")
                }
            }
            #expect(connection.isUsable)
        }
    }

    @Test("a statement is prepared once per connection and reused; a failed prepare is not kept")
    func preparedStatementCache() async throws {
        try await TestDatabase.withConnection { connection in
            for value in 0..<5 {
                _ = try await connection.query("SELECT \(Int64(value)) + 100 AS cached")
            }
            let prepared = try await connection.query(
                "SELECT name FROM pg_prepared_statements WHERE statement LIKE '%+ 100 AS cached'"
            )
            #expect(prepared.count == 1)

            let bad: PostgresQuery = "SELEC \(Int64(1))"
            let errors = await withTaskGroup(of: PostgresError?.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do throws(PostgresError) {
                            _ = try await connection.query(bad)
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                return await group.reduce(into: [PostgresError?]()) { $0.append($1) }
            }
            #expect(errors.allSatisfy { $0?.sqlState == "42601" }, "\(errors)")

            let again = await #expect(throws: PostgresError.self) {
                try await connection.query(bad)
            }
            #expect(again?.sqlState == "42601")
            let leftovers = try await connection.query(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELEC %'")
            #expect(try leftovers[0].decode(Int64.self, at: 0) == 0)
        }
    }

    @Test("affected rows and column names are reported")
    func affectedRows() async throws {
        try await TestDatabase.withConnection { connection in
            try await connection.execute(
                script: "CREATE TABLE site (id int8 PRIMARY KEY, name text NOT NULL)")
            let inserted = try await connection.query(
                """
                INSERT INTO site VALUES
                    (\(Int64(1)), \("Leeds")), (\(Int64(2)), \("York")), (\(Int64(3)), \("Hull"))
                """
            )
            #expect(inserted.affectedRows == 3)
            #expect(inserted.isEmpty)

            let updated = try await connection.query(
                "UPDATE site SET name = upper(name) WHERE id > \(Int64(1))")
            #expect(updated.affectedRows == 2)

            let selected = try await connection.query("SELECT id, name FROM site ORDER BY id")
            #expect(selected.columnNames == ["id", "name"])
            #expect(
                try selected.map { try $0.decode(String.self, column: "name") } == [
                    "Leeds", "YORK", "HULL",
                ])

            let duplicate = await #expect(throws: PostgresError.self) {
                try await connection.query("INSERT INTO site VALUES (\(Int64(1)), \("Leeds"))")
            }
            #expect(duplicate?.isUniqueViolation == true)
            #expect(duplicate?.constraint == "site_pkey")
            #expect(duplicate?.table == "site")
            #expect(duplicate?.detail?.contains("(id)=(1)") == true)
            #expect(duplicate?.host?.hasPrefix("127.0.0.1:") == true)
        }
    }
}
