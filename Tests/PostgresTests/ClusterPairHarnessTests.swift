import Foundation
import PortalTesting
import Postgres
import Reactor
import Testing

/// The primary + synchronous standby pair that replication and failover tests use.
@Suite("Test cluster pair harness")
struct ClusterPairHarnessTests {
    @Test("the standby streams synchronously, replays writes, and can be promoted")
    func pairStreamsSynchronously() async throws {
        try await TestClusterPair.with { pair in
            let state = try await pair.primary.psql(
                """
                SELECT state, sync_state FROM pg_stat_replication
                WHERE application_name = 'standby';
                """)
            #expect(state == "streaming|sync")
            #expect(try await pair.standby.psql("SELECT pg_is_in_recovery();") == "t")

            try await pair.primary.psql(
                "CREATE TABLE shipped (n int); INSERT INTO shipped VALUES (42);")
            try await pair.standby.waitUntil("replay of the insert") {
                let query = "SELECT count(*) FROM pg_class WHERE relname = 'shipped';"
                return try await pair.standby.psql(query) == "1"
            }
            #expect(try await pair.standby.psql("SELECT n FROM shipped;") == "42")

            let multiHost = pair.multiHostConnectionString(database: "postgres")
            #expect(multiHost.contains("port=\(pair.primary.port),\(pair.standby.port)"))
            #expect(multiHost.contains("target_session_attrs=read-write"))

            #expect(try await self.reachedPort(pair, "read-write") == pair.primary.port)
            #expect(try await self.reachedPort(pair, "standby") == pair.standby.port)

            try await pair.primary.stop(mode: .immediate)
            try await pair.standby.promote()
            #expect(try await self.reachedPort(pair, "read-write") == pair.standby.port)
            try await pair.standby.psql("INSERT INTO shipped VALUES (43);")
            #expect(try await pair.standby.psql("SELECT count(*) FROM shipped;") == "2")
        }
    }

    /// Connects through libpq with the pair's multi-host string and reports the port reached.
    private func reachedPort(_ pair: TestClusterPair, _ attributes: String) async throws -> Int {
        let loop = try EventLoop(name: "pair-multi-host")
        defer { loop.shutdown() }
        let configuration = PostgresConfiguration(
            connectionString: pair.multiHostConnectionString(targetSessionAttrs: attributes))
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let port = Int(connection.port) ?? 0
        await connection.close()
        return port
    }
}
