import Postgres
import Testing

/// Multi-statement scripts, run outside pipeline mode between pipelined statements.
@Suite("Postgres scripts")
struct ConnectionScriptTests {
    @Test("a script runs all its statements and the pipeline resumes after it")
    func runsScripts() async throws {
        try await TestDatabase.withConnection { connection in
            try await connection.execute(
                script: """
                    CREATE TABLE referral (id int8 PRIMARY KEY, modality text NOT NULL);
                    INSERT INTO referral VALUES (1, 'MRI'), (2, 'CT');
                    -- a comment, then a function body with semicolons inside
                    CREATE FUNCTION twice(x int8) RETURNS int8 AS $$ SELECT x * 2; $$ LANGUAGE sql;
                    """)
            let rows = try await connection.query("SELECT twice(count(*)) FROM referral")
            #expect(try rows[0].decode(Int64.self, at: 0) == 4)
        }
    }

    @Test("statements issued while a script waits queue behind it and all complete")
    func queriesAroundAScript() async throws {
        try await TestDatabase.withConnection { connection in
            try await connection.execute(script: "CREATE TABLE log (n int8)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        _ = try await connection.query("INSERT INTO log VALUES (\(Int64(index)))")
                    }
                }
                group.addTask {
                    try await connection.execute(
                        script: "INSERT INTO log VALUES (1000); INSERT INTO log VALUES (1001)")
                }
                for index in 50..<100 {
                    group.addTask {
                        _ = try await connection.query("INSERT INTO log VALUES (\(Int64(index)))")
                    }
                }
                try await group.waitForAll()
            }
            let count = try await connection.query("SELECT count(*) FROM log")
            #expect(try count[0].decode(Int64.self, at: 0) == 102)
        }
    }

    @Test("a failing script reports the server's error and the connection stays usable")
    func failingScript() async throws {
        try await TestDatabase.withConnection { connection in
            let error = await #expect(throws: PostgresError.self) {
                try await connection.execute(
                    script:
                        "CREATE TABLE a (x int); INSERT INTO missing VALUES (1);"
                        + " CREATE TABLE b (x int)"
                )
            }
            #expect(error?.code == .server)
            #expect(error?.sqlState == "42P01")
            #expect(error?.message.contains("missing") == true)
            #expect(connection.isUsable)

            // The simple protocol runs a script as one transaction: nothing of it remains.
            let tables = try await connection.query(
                "SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b')")
            #expect(try tables[0].decode(Int64.self, at: 0) == 0)

            let syntax = await #expect(throws: PostgresError.self) {
                try await connection.execute(script: "SELEC 1")
            }
            #expect(syntax?.sqlState == "42601")
            #expect(try await connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test("COPY FROM STDIN in a script is refused without breaking the connection")
    func copyRefused() async throws {
        try await TestDatabase.withConnection { connection in
            try await connection.execute(script: "CREATE TABLE t (x int)")
            let error = await #expect(throws: PostgresError.self) {
                try await connection.execute(script: "COPY t FROM STDIN")
            }
            #expect(
                error?.message.contains("not supported") == true, "\(String(describing: error))")
            #expect(try await connection.query("SELECT 2")[0].decode(Int.self, at: 0) == 2)
        }
    }

    @Test("COPY TO STDOUT in a script fails clearly and closes the connection it would wedge")
    func copyOutRefused() async throws {
        try await TestDatabase.withConnection { connection in
            let error = await #expect(throws: PostgresError.self) {
                try await connection.execute(script: "COPY (SELECT 1) TO STDOUT")
            }
            #expect(error?.code == .unsupported)
            #expect(!connection.isUsable)
        }
    }
}
