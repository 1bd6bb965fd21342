import Foundation

extension TestCluster {
    /// The file, included from `postgresql.conf`, that holds this harness's settings.
    static let settingsFile = "portal_testing.conf"

    /// `initdb` with checksums, UTF8 and C collation, then the harness's authentication rules
    /// and the include line for its settings.
    static func initialize(
        _ folder: ClusterFolder, binaries: PostgresBinaries, options: Options
    ) async throws {
        let arguments = [
            "-D", folder.dataDirectory, "-U", TestCluster.superuser, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--data-checksums", "--no-sync", "--no-instructions",
        ]
        let output = try await binaries.runAsServer(
            "initdb", arguments, directory: folder.root, timeout: .seconds(60))
        guard output.succeeded else {
            throw TestClusterError(
                .commandFailed, "initdb failed in \(folder.dataDirectory)",
                context: output.standardError + output.standardOutput)
        }

        let method = options.hostAuthentication
        let rules = """
            # Throwaway test cluster: the unix socket (in a private folder) trusts; TCP is
            # loopback only.
            local   all          all                 trust
            local   replication  all                 trust
            host    all          all   127.0.0.1/32  \(method)
            host    replication  all   127.0.0.1/32  \(method)

            """
        try folder.write(rules, to: "pg_hba.conf", owner: binaries.serverUser)
        try folder.append("\ninclude '\(Self.settingsFile)'\n", to: "postgresql.conf")
    }

    /// Writes the harness's settings for `port` (replacing earlier ones).
    static func writeSettings(
        _ folder: ClusterFolder, port: Int, binaries: PostgresBinaries, options: Options
    ) throws {
        var lines = [
            "listen_addresses = '127.0.0.1'",
            "port = \(port)",
            "unix_socket_directories = '\(folder.socketDirectory)'",
            "max_connections = 200",
            "shared_buffers = 32MB",
            "fsync = off",
            "wal_level = replica",
            "max_wal_senders = 10",
            "max_replication_slots = 10",
            "hot_standby = on",
            "lc_messages = 'C'",
            "timezone = 'UTC'",
            "log_line_prefix = '%m [%p] %q%u@%d '",
        ]
        for (name, value) in options.settings.sorted(by: { $0.key < $1.key }) {
            lines.append("\(name) = \(value)")
        }
        let text = lines.joined(separator: "\n") + "\n"
        try folder.write(text, to: Self.settingsFile, owner: binaries.serverUser)
    }

    /// Picks a free port and starts; a port taken between the probe and the bind is retried
    /// with another, up to five times.
    static func startOnFreePort(
        _ folder: ClusterFolder, binaries: PostgresBinaries, options: Options
    ) async throws -> TestCluster {
        var attempt = 0
        while true {
            attempt += 1
            let port = try FreePort.next()
            try Self.writeSettings(folder, port: port, binaries: binaries, options: options)
            let cluster = TestCluster(
                folder: folder, port: port, binaries: binaries,
                hostAuthentication: options.hostAuthentication)
            do {
                try await cluster.start()
                return cluster
            } catch let error as TestClusterError where attempt < 5 {
                guard error.context.contains("could not bind") || error.context.contains("in use")
                else {
                    throw error
                }
            }
        }
    }
}
