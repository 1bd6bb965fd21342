/// Site B's settings: where the receiver listens, the archive folder, its certificates,
/// `fetch`'s bounded prefetch, and the base-backup settings used by `backup` and `retain`.
public struct ReceiverConfiguration: Sendable {
    /// How base backups are taken and how many are kept (`backup` and `retain`).
    public struct Backup: Sendable {
        /// A libpq connection string to the primary (a replication-capable role).
        public var connection: String
        /// How many base backups to keep; nil keeps any number.
        public var keepBackups: Int?
        /// Backups older than this many days are removed; nil keeps them by age.
        public var maxAgeDays: Int?
    }

    public var listen: Endpoint
    public var archiveDirectory: String
    public var tls: TLSFiles
    /// How many following segments `fetch` verifies and stages ahead (0 turns it off).
    public var prefetch: Int
    public var prefetchDirectory: String
    public var metrics: Endpoint?
    public var backup: Backup?

    /// Where archived WAL lives: `<archiveDirectory>/wal`.
    public var walFolder: String { self.archiveDirectory + "/wal" }

    /// Reads and checks `file` (see REPLICATOR-CONTRACT: unknown and missing keys are errors).
    public static func load(file: String) throws(ReplicatorError) -> ReceiverConfiguration {
        try ReceiverConfiguration(ConfigurationObject.load(file: file))
    }

    init(_ root: ConfigurationObject) throws(ReplicatorError) {
        try root.allowOnly([
            "listen", "archiveDirectory", "tls", "prefetch", "prefetchDirectory", "metrics",
            "backup",
        ])
        self.listen = try Endpoint(root.object("listen"))
        self.archiveDirectory = try root.filePath("archiveDirectory")
        self.tls = try TLSFiles(root.object("tls"))
        self.prefetch = try root.optionalInteger("prefetch", in: 0...64) ?? 8
        self.prefetchDirectory =
            try root.optionalFilePath("prefetchDirectory") ?? self.archiveDirectory + "/spool"
        self.metrics = try root.optionalObject("metrics").map { object throws(ReplicatorError) in
            try Endpoint(object)
        }
        self.backup = try root.optionalObject("backup").map { object throws(ReplicatorError) in
            try object.allowOnly(["connection", "keepBackups", "maxAgeDays"])
            return Backup(
                connection: try object.string("connection"),
                keepBackups: try object.optionalInteger("keepBackups", in: 1...10_000),
                maxAgeDays: try object.optionalInteger("maxAgeDays", in: 1...36_500))
        }
    }
}
