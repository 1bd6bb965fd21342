import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Where everything of one local topology lives: one folder holds both sites' data, the
/// archive, the certificates, the configuration files, the recorded pids and the logs, so
/// that `portalctl down` and a removal of the folder leave nothing behind.
///
///     ports.json                 the ports chosen at the first `up`
///     pids/NAME.json             each started process: pid, program, start time
///     logs/NAME.log              each process's output
///     site-a/postgres, socket    the primary's data folder and Unix socket folder
///     site-b/postgres, socket    the standby's
///     site-b/archive, spool      the WAL archive and the restore prefetch spool
///     replicator/                the replicator's configuration files and control socket
///     certificates/              the private CA and the sites' certificates
///     haproxy/haproxy.cfg        the front door's configuration
///     failover/                  coordinator.json, agent-a.json, agent-b.json
///     coordinator/state.json     the coordinator's durable decisions (term, primary, ...)
public struct StateFolder: Sendable {
    public let root: String

    /// The folder at `path` (made absolute). Refuses a path that exists and is not a
    /// folder; creates nothing.
    public init(_ path: String) throws(TopologyError) {
        guard !path.isEmpty else {
            throw TopologyError(.invalidArgument, "the state folder path is empty")
        }
        let absolute =
            path.hasPrefix("/")
            ? path : FileManager.default.currentDirectoryPath + "/" + path
        let root = URL(fileURLWithPath: absolute).standardizedFileURL.path
        var info = stat()
        if stat(root, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
            throw TopologyError(
                .invalidArgument, "the state folder \(root) exists and is not a folder")
        }
        guard root.utf8.count < 80 else {
            // Unix socket paths inside it must stay under 108 bytes.
            throw TopologyError(
                .invalidArgument,
                "the state folder path \(root) is too long for Unix sockets (under 80 bytes)")
        }
        self.root = root
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: self.root) }

    public var portsFile: String { self.root + "/ports.json" }
    public var lockFile: String { self.root + "/up.lock" }
    public var pidFolder: String { self.root + "/pids" }
    public var logFolder: String { self.root + "/logs" }
    public var certificateFolder: String { self.root + "/certificates" }
    public var replicatorFolder: String { self.root + "/replicator" }
    public var haproxyConfiguration: String { self.root + "/haproxy/haproxy.cfg" }
    public var demoLoadedMarker: String { self.root + "/demo-loaded" }

    /// Where the process `name`'s record is kept.
    public func pidFile(_ name: String) -> String { "\(self.pidFolder)/\(name).json" }
    /// Where the process `name`'s output goes.
    public func logFile(_ name: String) -> String { "\(self.logFolder)/\(name).log" }

    /// The PostgreSQL data folder of `site`.
    public func dataFolder(_ site: Site) -> String { "\(self.root)/\(site.folder)/postgres" }
    /// The Unix socket folder of `site`'s PostgreSQL.
    public func socketFolder(_ site: Site) -> String { "\(self.root)/\(site.folder)/socket" }
    public var archiveFolder: String { self.root + "/site-b/archive" }
    public var spoolFolder: String { self.root + "/site-b/spool" }
    public var shipperConfiguration: String { self.replicatorFolder + "/site-a.json" }
    public var receiverConfiguration: String { self.replicatorFolder + "/site-b.json" }
    public var controlSocket: String { self.replicatorFolder + "/ship.sock" }
    public var failoverFolder: String { self.root + "/failover" }
    public var coordinatorConfiguration: String { self.failoverFolder + "/coordinator.json" }
    /// The configuration of the agent beside `site`'s PostgreSQL.
    public func agentConfiguration(_ site: Site) -> String {
        "\(self.failoverFolder)/agent-\(site == .a ? "a" : "b").json"
    }
    public var coordinatorFolder: String { self.root + "/coordinator" }
    /// Where the coordinator keeps its decisions; it outlives the coordinator's process.
    public var coordinatorStateFile: String { self.coordinatorFolder + "/state.json" }

    /// Creates the folders that do not exist yet, owned by `account` (the account the
    /// servers run as) so that PostgreSQL and the replicator can write there.
    public func create(owner account: ServerAccount) throws(TopologyError) {
        let folders = [
            self.root, self.pidFolder, self.logFolder, self.replicatorFolder,
            self.root + "/haproxy", self.root + "/site-a", self.root + "/site-b",
            self.socketFolder(.a), self.socketFolder(.b), self.archiveFolder, self.spoolFolder,
            self.failoverFolder, self.coordinatorFolder,
        ]
        for folder in folders where !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o755])
            } catch {
                throw TopologyError(.storage, "cannot create \(folder): \(error)")
            }
            try account.own(folder)
        }
    }
}

/// One of the two sites of the local topology.
public enum Site: String, Sendable, Codable, CaseIterable {
    case a = "site-a"
    case b = "site-b"

    var folder: String { self.rawValue }
    /// Its node name for the coordinator and its `application_name` as a standby, named in
    /// `synchronous_standby_names` and in its replication slot.
    public var applicationName: String { self == .a ? "site_a" : "site_b" }
    /// The site whose node is called `name`, if any.
    public init?(node name: String) {
        guard let site = Site.allCases.first(where: { $0.applicationName == name }) else {
            return nil
        }
        self = site
    }
    /// The other site.
    public var peer: Site { self == .a ? .b : .a }
    /// The letter in process and file names: `a` or `b`.
    var letter: String { self == .a ? "a" : "b" }
}
