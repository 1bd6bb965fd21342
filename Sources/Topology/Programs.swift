import Foundation

/// The programs a topology runs, found before anything starts so that a missing one stops
/// `up` with its name instead of half a system.
public struct Programs: Sendable {
    /// The folder of this package's executables (portalctl, portal-api, portal-replicator,
    /// portal-coordinator, portal-agent).
    public let executables: String
    /// The PostgreSQL server programs' folder (initdb, pg_ctl, postgres, pg_basebackup, psql).
    public let postgres: String
    public let haproxy: String
    /// Debian's python3, which has the aiosmtpd module the mail catcher uses.
    public let python: String

    public var portalctl: String { self.executables + "/portalctl" }
    public var portalAPI: String { self.executables + "/portal-api" }
    public var replicator: String { self.executables + "/portal-replicator" }
    /// The failover coordinator, the witness that decides which site is primary.
    public var coordinator: String { self.executables + "/portal-coordinator" }
    /// The agent beside each PostgreSQL, which starts, supervises, fences and promotes it.
    public var agent: String { self.executables + "/portal-agent" }
    /// The path of a PostgreSQL program (`pg_ctl`, `psql`).
    public func postgres(_ program: String) -> String { self.postgres + "/" + program }

    /// Finds every program: this package's beside `executables`, PostgreSQL's from
    /// `PORTAL_PG_BINDIR` or the highest version under /usr/lib/postgresql, HAProxy from
    /// /usr/sbin. `requireBuilt` refuses a missing executable of this package (what `up`
    /// starts); `down` and `status` go by the recorded processes and need none of them.
    public static func locate(
        executables: String, environment: [String: String], requireBuilt: Bool = true
    ) throws(TopologyError) -> Programs {
        let manager = FileManager.default
        let built = [
            "portalctl", "portal-api", "portal-replicator", "portal-coordinator", "portal-agent",
        ]
        for name in built
        where requireBuilt && !manager.isExecutableFile(atPath: executables + "/" + name) {
            throw TopologyError(
                .programMissing,
                "\(name) is not built in \(executables) (build the release products first: "
                    + "swift build -c release)")
        }

        var candidates: [String] = []
        if let configured = environment["PORTAL_PG_BINDIR"], !configured.isEmpty {
            candidates.append(configured)
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? manager.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        candidates += versions.map { "\(root)/\($0)/bin" }
        let needed = ["initdb", "pg_ctl", "postgres", "pg_basebackup", "psql"]
        guard
            let postgres = candidates.first(where: { folder in
                needed.allSatisfy { manager.isExecutableFile(atPath: folder + "/" + $0) }
            })
        else {
            throw TopologyError(
                .programMissing,
                "no PostgreSQL server programs found (install postgresql or set PORTAL_PG_BINDIR)")
        }

        let haproxy = "/usr/sbin/haproxy"
        guard manager.isExecutableFile(atPath: haproxy) else {
            throw TopologyError(.programMissing, "HAProxy is not installed (\(haproxy))")
        }
        let python = "/usr/bin/python3"
        guard manager.isExecutableFile(atPath: python) else {
            throw TopologyError(.programMissing, "\(python) is not installed")
        }
        return Programs(
            executables: executables, postgres: postgres, haproxy: haproxy, python: python)
    }

    /// The environment every started program gets, and nothing of the caller's: a server
    /// must not pick up a stray PORTAL_DB_URL from the operator's shell.
    public static let baseEnvironment: [String: String] = [
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
    ]
}
