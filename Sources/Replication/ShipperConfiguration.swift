/// Site A's settings: where PostgreSQL's WAL is, where `push` finds the daemon, the
/// receiver to ship to, and how hard to push (streams, lookahead, zlib level).
public struct ShipperConfiguration: Sendable {
    public var walDirectory: String
    public var controlSocket: String
    public var receiver: Endpoint
    /// The name the receiver's certificate must carry (defaults to the host).
    public var serverName: String
    public var tls: TLSFiles
    /// Parallel TLS connections to the receiver.
    public var streams: Int
    /// How many of the oldest ready files are in the pipeline at once.
    public var lookahead: Int
    public var compressionLevel: Int32
    public var metrics: Endpoint?
    /// The age of the oldest unshipped file past which a warning is logged.
    public var backlogAlertSeconds: Int

    /// Reads and checks `file` (see REPLICATOR-CONTRACT: unknown and missing keys are errors).
    public static func load(file: String) throws(ReplicatorError) -> ShipperConfiguration {
        try ShipperConfiguration(ConfigurationObject.load(file: file))
    }

    init(_ root: ConfigurationObject) throws(ReplicatorError) {
        try root.allowOnly([
            "walDirectory", "controlSocket", "receiver", "tls", "streams", "lookahead",
            "compressionLevel", "metrics", "backlogAlertSeconds",
        ])
        self.walDirectory = try root.filePath("walDirectory")
        self.controlSocket = try root.filePath("controlSocket")
        let receiver = try root.object("receiver")
        self.receiver = try Endpoint(receiver, extraKeys: ["serverName"])
        self.serverName = try receiver.optionalString("serverName") ?? self.receiver.host
        self.tls = try TLSFiles(root.object("tls"))
        self.streams = try root.optionalInteger("streams", in: 1...64) ?? 4
        self.lookahead = try root.optionalInteger("lookahead", in: 1...1_024) ?? 16
        self.compressionLevel = Int32(
            try root.optionalInteger("compressionLevel", in: 0...9)
                ?? Int(SegmentCompression.defaultLevel))
        self.metrics = try root.optionalObject("metrics").map { object throws(ReplicatorError) in
            try Endpoint(object)
        }
        self.backlogAlertSeconds =
            try root.optionalInteger("backlogAlertSeconds", in: 1...86_400 * 7) ?? 60
        guard self.lookahead >= self.streams else {
            throw ReplicatorError(
                .configuration,
                "lookahead (\(self.lookahead)) must be at least streams (\(self.streams)), "
                    + "or some streams would never have a file to send")
        }
    }
}
