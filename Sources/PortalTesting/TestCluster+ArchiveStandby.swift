extension TestCluster {
    /// A standby that knows its primary only through the WAL archive: a base backup of
    /// `primary` taken without WAL (`-X none`, so the backup's own WAL must come from the
    /// archive too), `standby.signal`, `restore_command` set to `restoreCommand` and no
    /// `primary_conninfo`; started. Used to show that an archive alone can rebuild a
    /// server. Remove it with `remove()`.
    public static func archiveStandby(
        of primary: TestCluster, restoreCommand: String
    ) async throws -> TestCluster {
        let binaries = primary.binaries
        let folder = try ClusterFolder.create(owner: binaries.serverUser)
        LiveClusters.add(folder)
        do {
            let arguments = [
                "-D", folder.dataDirectory, "-X", "none", "-c", "fast", "--no-sync",
                "-h", primary.socketDirectory, "-p", "\(primary.port)", "-U", TestCluster.superuser,
            ]
            let output = try await binaries.runAsServer(
                "pg_basebackup", arguments, directory: folder.root, timeout: .seconds(60))
            guard output.succeeded else {
                throw TestClusterError(
                    .replicationFailed, "pg_basebackup from port \(primary.port) failed",
                    context: output.standardError + "\nprimary log:\n" + primary.logTail())
            }
            try folder.write("", to: "standby.signal", owner: binaries.serverUser)
            // A file not archived yet is asked for again after 200 ms, not the default 5 s.
            let options = Options(settings: [
                "archive_mode": "off", "restore_command": "'\(restoreCommand)'",
                "wal_retrieve_retry_interval": "'200ms'",
            ])
            return try await TestCluster.startOnFreePort(
                folder, binaries: binaries, options: options)
        } catch {
            await TestCluster.shutDownAndRemove(folder)
            throw error
        }
    }
}
