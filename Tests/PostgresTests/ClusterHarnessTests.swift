import Foundation
import PortalTesting
import Testing

/// The throwaway-cluster harness itself: what every database test stands on.
@Suite("Test cluster harness")
struct ClusterHarnessTests {
    @Test("a cluster starts with the harness's settings and is removed afterwards")
    func clusterStartsAndIsRemoved() async throws {
        var folder = ""
        var pid: Int32 = 0
        try await TestCluster.with { cluster in
            folder = cluster.dataDirectory
            pid = try #require(cluster.postmasterPID)

            let settings = try await cluster.psql(
                """
                SELECT current_setting('fsync'), current_setting('wal_level'),
                       current_setting('data_checksums'), current_setting('listen_addresses'),
                       current_setting('server_encoding'), current_setting('lc_collate'),
                       current_setting('max_connections');
                """)
            #expect(settings == "off|replica|on|127.0.0.1|UTF8|C|200")
            #expect(cluster.connectionString().contains("port=\(cluster.port)"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder))
        #expect(!TestCluster.isRunning(pid))
    }

    @Test("a failing test body still removes its cluster")
    func failingBodyStillRemoves() async throws {
        struct Deliberate: Error {}
        var folder = ""
        await #expect(throws: Deliberate.self) {
            try await TestCluster.with { cluster in
                folder = cluster.dataDirectory
                throw Deliberate()
            }
        }
        #expect(!folder.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test("the shared cluster is started once and hands out fresh databases")
    func sharedClusterIsReused() async throws {
        let first = try await TestCluster.shared()
        let second = try await TestCluster.shared()
        #expect(first === second)

        let one = try await first.createDatabase()
        let two = try await first.createDatabase()
        #expect(one != two)
        let names = try await first.psql(
            "SELECT count(*) FROM pg_database WHERE datname IN ('\(one)', '\(two)');")
        #expect(names == "2")
    }

    @Test("a SQL error is reported with the server's message")
    func sqlErrorIsReported() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        let error = await #expect(throws: TestClusterError.self) {
            try await cluster.psql("SELECT * FROM no_such_table;", database: database)
        }
        #expect(error?.code == .commandFailed)
        #expect(error?.context.contains("no_such_table") == true)
    }

    @Test("committed data survives a kill -9 and a restart")
    func killAndRestart() async throws {
        try await TestCluster.with { cluster in
            try await cluster.psql("CREATE TABLE kept (n int); INSERT INTO kept VALUES (7);")
            let before = try #require(cluster.postmasterPID)

            try await cluster.kill()
            #expect(cluster.postmasterPID == nil)
            try await cluster.start()

            #expect(try #require(cluster.postmasterPID) != before)
            #expect(try await cluster.psql("SELECT n FROM kept;") == "7")

            try await cluster.stop(mode: .fast)
            #expect(cluster.postmasterPID == nil)
        }
    }
}
