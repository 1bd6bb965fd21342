import Foundation

/// One site's PostgreSQL: its data folder, settings, start, stop and queries, run as the
/// server account.
public struct PostgresSite: Sendable {
    public let site: Site
    public let port: Int
    let state: StateFolder
    let programs: Programs
    let account: ServerAccount

    /// `site`'s PostgreSQL on 127.0.0.1:`port`, its data in `state`. Touches nothing.
    public init(
        _ site: Site, port: Int, state: StateFolder, programs: Programs, account: ServerAccount
    ) {
        self.site = site
        self.port = port
        self.state = state
        self.programs = programs
        self.account = account
    }

    /// The name its postmaster is recorded under.
    public var processName: String { Self.processName(self.site) }
    /// The name `site`'s postmaster is recorded under: `postgres-a`, `postgres-b`.
    public static func processName(_ site: Site) -> String { "postgres-\(site.letter)" }
    /// The name of the agent that starts and supervises it: `agent-a`, `agent-b`.
    public var agentName: String { "agent-\(self.site.letter)" }
    public var dataFolder: String { self.state.dataFolder(self.site) }
    /// The file of settings the topology owns, included from postgresql.conf.
    var settingsFile: String { self.dataFolder + "/portal_site.conf" }

    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: self.dataFolder + "/PG_VERSION")
    }

    /// True when its data folder says it starts as a standby (`standby.signal`).
    public var isStandby: Bool {
        FileManager.default.fileExists(atPath: self.dataFolder + "/standby.signal")
    }

    /// `primary` or `standby` as the running server says (`pg_is_in_recovery()`), nil when
    /// it does not answer.
    public func role() async -> String? {
        let rows = try? await self.query("SELECT pg_is_in_recovery()", timeout: .seconds(5))
        guard let value = rows?.first?.first else { return nil }
        return value == "t" ? "standby" : "primary"
    }

    /// The postmaster, when one runs on this data folder.
    public var postmaster: ProcessRecord? {
        let lockFile = self.dataFolder + "/postmaster.pid"
        guard let text = try? String(contentsOfFile: lockFile, encoding: .utf8),
            let line = text.split(separator: "\n").first,
            let pid = Int32(line.trimmingCharacters(in: .whitespaces)),
            let record = ProcessRecord.of(
                pid, name: self.processName, program: self.programs.postgres("postgres")),
            record.isRunning
        else {
            return nil
        }
        return record
    }

    /// A new cluster with data checksums (pg_rewind needs them later), trusting loopback.
    public func initialize() async throws(TopologyError) {
        try await self.asServer(
            "initdb", "-D", self.dataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C", "--data-checksums", "--no-instructions")
        try self.includeSettings()
    }

    /// Makes postgresql.conf include the topology's settings file (once).
    func includeSettings() throws(TopologyError) {
        let configuration = self.dataFolder + "/postgresql.conf"
        let include = "include_if_exists 'portal_site.conf'"
        guard let text = try? String(contentsOfFile: configuration, encoding: .utf8) else {
            throw TopologyError(.storage, "cannot read \(configuration)")
        }
        guard !text.contains(include) else { return }
        try self.account.write(text + "\n" + include + "\n", to: configuration, mode: 0o600)
    }

    /// Replaces the topology's settings file with `settings` (name = value lines).
    public func writeSettings(_ settings: [(String, String)]) throws(TopologyError) {
        let lines = settings.map { "\($0.0) = \($0.1)" }.joined(separator: "\n")
        try self.account.write(
            "# Written by portalctl up at each start; edits are lost.\n\(lines)\n",
            to: self.settingsFile, mode: 0o600)
    }

    /// Stops the server with a fast shutdown (open sessions end, nothing is lost).
    public func stop() async throws(TopologyError) {
        try await self.asServer(
            "pg_ctl", "stop", "-D", self.dataFolder, "-m", "fast", "-w", "-t", "60",
            timeout: .seconds(70))
    }

    /// Runs `sql` as the superuser on `database`; each row's fields in order.
    public func query(
        _ sql: String, database: String = "postgres", timeout: Duration = .seconds(30)
    ) async throws(TopologyError) -> [[String]] {
        let output = try await Command.check(
            [
                self.programs.postgres("psql"), "-X", "-q", "-A", "-t", "-F", "\u{1f}",
                "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(self.port),
                "-U", "postgres", "-d", database, "-c", sql,
            ],
            environment: Programs.baseEnvironment.merging(["PGCONNECT_TIMEOUT": "3"]) { $1 },
            timeout: timeout)
        return output.split(separator: "\n").map {
            $0.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Runs a PostgreSQL program as the server account.
    func asServer(
        _ program: String, _ arguments: String..., timeout: Duration = .seconds(120)
    ) async throws(TopologyError) {
        try await Command.check(
            self.account.command([self.programs.postgres(program)] + arguments),
            environment: Programs.baseEnvironment, directory: self.state.root, timeout: timeout)
    }
}
