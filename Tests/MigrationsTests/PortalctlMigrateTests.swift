import Foundation
import PortalTesting
import Testing

/// `portalctl migrate` as an operator runs it: the built binary, real processes.
@Suite("portalctl migrate")
struct PortalctlMigrateTests {
    /// The `portalctl` built next to the running test bundle.
    static var portalctl: String { BuiltProduct.path("portalctl") }

    func run(
        _ arguments: [String], environment: [String: String] = [:]
    ) async throws
        -> CommandOutput
    {
        var environment = environment
        if environment["PORTAL_DB_URL"] == nil {
            environment["PORTAL_DB_URL"] = ""
        }
        return try await ProcessRunner.run(
            Self.portalctl, arguments, environment: environment, timeout: .seconds(60))
    }

    @Test("two deployers at once apply each file exactly once")
    func concurrentDeployers() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        // Each file sleeps so the two runs overlap; a second application of any file would
        // fail on CREATE TABLE, and the row counts would show it.
        let folder = try MigrationFolder([
            "0001_one.sql": "CREATE TABLE one (n int); SELECT pg_sleep(0.3);",
            "0002_two.sql": "CREATE TABLE two (n int); INSERT INTO one VALUES (2);",
            "0003_three.sql": "CREATE TABLE three (n int); SELECT pg_sleep(0.3);",
        ])
        let arguments = [
            "migrate", "--dir", folder.path,
            "--database-url", cluster.connectionString(database: database),
        ]

        async let first = self.run(arguments)
        async let second = self.run(arguments)
        let outputs = try await [first, second]

        for output in outputs {
            #expect(output.status == 0, "\(output.standardError)")
        }
        let appliedLines = outputs.flatMap { $0.standardOutput.split(separator: "\n") }
            .filter { $0.hasPrefix("applied") }
        #expect(appliedLines.count == 3)

        let history = try await cluster.psql(
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations;",
            database: database)
        #expect(history == "1,2,3")
        #expect(try await cluster.psql("SELECT count(*) FROM one;", database: database) == "1")
    }

    @Test("status lists applied and pending files; the URL comes from PORTAL_DB_URL")
    func status() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        let folder = try MigrationFolder(["0001_a.sql": "SELECT 1;"])
        let environment = ["PORTAL_DB_URL": cluster.connectionString(database: database)]

        let applied = try await self.run(
            ["migrate", "--dir", folder.path], environment: environment)
        #expect(applied.status == 0, "\(applied.standardError)")
        #expect(applied.standardOutput.contains("applied  0001_a.sql"))

        try folder.write("0002_b.sql", "SELECT 2;")
        let status = try await self.run(
            ["migrate", "status", "--dir=\(folder.path)"], environment: environment)
        #expect(status.status == 0, "\(status.standardError)")
        let lines = status.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("applied  0001_a.sql  ") == true)
        #expect(lines.first?.hasSuffix("by postgres") == true)
        #expect(lines.contains("pending  0002_b.sql"))
        #expect(lines.last == "1 applied, 1 pending")
    }

    @Test("a changed applied file fails the run with its name", .timeLimit(.minutes(1)))
    func changedFileFails() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        let folder = try MigrationFolder(["0001_a.sql": "SELECT 1;"])
        let url = cluster.connectionString(database: database)
        _ = try await self.run(["migrate", "--dir", folder.path, "--database-url", url])

        try folder.write("0001_a.sql", "SELECT 10;")
        let output = try await self.run(["migrate", "--dir", folder.path, "--database-url", url])
        #expect(output.status == 1)
        #expect(output.standardError.contains("0001_a.sql has changed"))
    }

    @Test(
        "usage errors exit 2 and say what is wrong",
        arguments: [
            (["migrate"], "no database"),
            (["migrate", "--dir"], "--dir needs a value"),
            (["migrate", "--colour", "red"], "unknown option --colour"),
            (["migrate", "sideways", "--database-url", "x"], "unexpected argument 'sideways'"),
            (["migrate", "--dir", "a", "--dir", "b"], "--dir given twice"),
            (["transmogrify"], "unknown command 'transmogrify'"),
            ([], "usage: portalctl"),
        ])
    func usageErrors(arguments: [String], expected: String) async throws {
        let output = try await self.run(arguments)
        #expect(output.status == 2)
        #expect((output.standardError + output.standardOutput).contains(expected))
    }

    @Test("an unreachable database fails with exit 1")
    func unreachableDatabase() async throws {
        let output = try await self.run([
            "migrate", "--dir", MigrationFolder.repository,
            "--database-url", "host=127.0.0.1 port=1 dbname=x connect_timeout=2",
        ])
        #expect(output.status == 1)
        #expect(output.standardError.contains("cannot connect"))
    }
}
