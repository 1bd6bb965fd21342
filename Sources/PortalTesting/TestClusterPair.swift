import Foundation

/// A primary and a synchronous streaming standby, each a `TestCluster` in its own folder on
/// its own port, as the two data centres run them.
///
/// The standby is a `pg_basebackup -R` copy that streams through the physical slot
/// `standby` with `application_name=standby`; the primary names it in
/// `synchronous_standby_names` with `synchronous_commit=on`, so a commit returns only once
/// the standby has it.
public final class TestClusterPair: Sendable {
    /// The standby's `application_name` and the primary's replication slot name.
    public static let standbyName = "standby"

    public let primary: TestCluster
    public let standby: TestCluster

    init(primary: TestCluster, standby: TestCluster) {
        self.primary = primary
        self.standby = standby
    }

    /// A libpq conninfo naming both servers, so libpq picks the one that matches
    /// `targetSessionAttrs` (`read-write`, `prefer-standby`, ...).
    public func multiHostConnectionString(
        database: String = "postgres",
        user: String = TestCluster.superuser,
        password: String? = TestCluster.superuserPassword,
        targetSessionAttrs: String = "read-write"
    ) -> String {
        var parts = [
            "host=127.0.0.1,127.0.0.1",
            "port=\(self.primary.port),\(self.standby.port)",
            "dbname=\(database)",
            "user=\(user)",
        ]
        if let password {
            parts.append("password=\(password)")
        }
        parts.append("target_session_attrs=\(targetSessionAttrs)")
        parts.append("connect_timeout=10")
        return parts.joined(separator: " ")
    }

    /// Waits until the primary reports the standby as `streaming` and `sync`.
    public func waitForSynchronousStreaming(timeout: Duration = .seconds(30)) async throws {
        let query = """
            SELECT state || ':' || sync_state FROM pg_stat_replication
            WHERE application_name = '\(Self.standbyName)';
            """
        do {
            try await self.primary.waitUntil("synchronous streaming", timeout: timeout) {
                try await self.primary.psql(query) == "streaming:sync"
            }
        } catch let error as TestClusterError {
            throw TestClusterError(
                .replicationFailed, error.message,
                context: "primary log:\n\(self.primary.logTail())\n"
                    + "standby log:\n\(self.standby.logTail())")
        }
    }

    /// Creates the pair, runs `body`, and always removes both clusters afterwards.
    public static func with<Result>(
        _ options: TestCluster.Options = TestCluster.Options(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TestClusterPair) async throws -> Result
    ) async throws -> Result {
        let pair = try await TestClusterPair.create(options)
        do {
            let result = try await body(pair)
            await pair.remove()
            return result
        } catch {
            await pair.remove()
            throw error
        }
    }

    /// Shuts both servers down at once and deletes their folders.
    public func remove() async {
        await self.standby.remove()
        await self.primary.remove()
    }
}
