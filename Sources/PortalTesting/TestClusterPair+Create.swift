import Foundation

extension TestClusterPair {
    /// Creates and starts a primary and its synchronous standby. Prefer `with`, which also
    /// removes them.
    public static func create(
        _ options: TestCluster.Options = TestCluster.Options()
    ) async throws
        -> TestClusterPair
    {
        let primary = try await TestCluster.create(options)
        do {
            let standby = try await Self.createStandby(of: primary, options: options)
            let pair = TestClusterPair(primary: primary, standby: standby)
            do {
                try await primary.psql(
                    """
                    ALTER SYSTEM SET synchronous_standby_names = '\(Self.standbyName)';
                    ALTER SYSTEM SET synchronous_commit = 'on';
                    SELECT pg_reload_conf();
                    """)
                try await pair.waitForSynchronousStreaming()
                return pair
            } catch {
                await standby.remove()
                throw error
            }
        } catch {
            await primary.remove()
            throw error
        }
    }

    /// A base backup of `primary` through a new physical slot, configured to stream from it
    /// over TCP loopback as `application_name=standby`, then started.
    private static func createStandby(
        of primary: TestCluster, options: TestCluster.Options
    ) async throws -> TestCluster {
        try await primary.psql(
            "SELECT pg_create_physical_replication_slot('\(Self.standbyName)');")

        let binaries = primary.binaries
        let folder = try ClusterFolder.create(owner: binaries.serverUser)
        LiveClusters.add(folder)
        do {
            let arguments = [
                "-D", folder.dataDirectory, "-R", "-S", Self.standbyName, "-X", "stream",
                "-c", "fast", "--no-sync",
                "-h", primary.socketDirectory, "-p", "\(primary.port)", "-U", TestCluster.superuser,
            ]
            let output = try await binaries.runAsServer(
                "pg_basebackup", arguments, directory: folder.root, timeout: .seconds(60))
            guard output.succeeded else {
                throw TestClusterError(
                    .replicationFailed, "pg_basebackup from port \(primary.port) failed",
                    context: output.standardError + "\nprimary log:\n" + primary.logTail())
            }

            let conninfo =
                primary.connectionString(database: "postgres")
                .replacingOccurrences(of: "dbname=postgres ", with: "")
                + " application_name=\(Self.standbyName)"
            try folder.append(
                "primary_conninfo = '\(conninfo)'\nprimary_slot_name = '\(Self.standbyName)'\n",
                to: "postgresql.auto.conf")
            return try await TestCluster.startOnFreePort(
                folder, binaries: binaries, options: options)
        } catch {
            await TestCluster.shutDownAndRemove(folder)
            throw error
        }
    }
}
