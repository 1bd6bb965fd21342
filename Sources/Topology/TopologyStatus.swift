import Failover

/// What `portalctl status` reports: every process, both databases, the replication between
/// them, the replicator's backlog and the failover coordinator's view (term, lease, who may
/// be promoted, its decisions), plus the problems found; encoded as JSON with `--json`.
public struct TopologyStatus: Codable, Sendable {
    /// One resident process.
    public struct Process: Codable, Sendable {
        public let name: String
        /// Nil when no recorded process runs.
        public let pid: Int32?
        public let alive: Bool
        /// Alive and its check passed.
        public let healthy: Bool
        /// What was checked: `GET /readyz on 55403`, `SELECT 1 on 55401`.
        public let check: String
    }

    /// One site's PostgreSQL.
    public struct Database: Codable, Sendable {
        public let site: String
        public let port: Int
        /// `primary`, `standby`, or nil when it did not answer.
        public let role: String?
        /// The primary's current write position.
        public let currentLSN: String?
        /// The primary's flushed position, or the standby's received position.
        public let flushLSN: String?
        /// The standby's replayed position.
        public let replayLSN: String?
    }

    /// The standby's connection as the primary sees it (`pg_stat_replication`).
    public struct Replication: Codable, Sendable {
        public let standby: String
        public let state: String
        /// `sync`, `potential`, `quorum` or `async`.
        public let syncState: String
        public let sentLSN: String
        public let flushLSN: String
        public let replayLSN: String
        /// Bytes of WAL written on the primary and not yet replayed on the standby.
        public let replayLagBytes: Int64
        /// Seconds between a commit on the primary and its replay on the standby (0 when
        /// the standby has replayed everything).
        public let replayLagSeconds: Double
    }

    /// The shipper's backlog as its metrics endpoint reports it.
    public struct Archive: Codable, Sendable {
        public let backlogFiles: Double?
        public let backlogBytes: Double?
        public let backlogOldestAgeSeconds: Double?
        public let shippedFilesTotal: Double?
        public let lastShipped: String?
    }

    public let url: String
    public let healthy: Bool
    public let processes: [Process]
    public let databases: [Database]
    public let replication: Replication?
    public let archive: Archive?
    /// The coordinator's `GET /v1/status`; nil when it did not answer.
    public let coordinator: CoordinatorStatus?
    /// Each reason `healthy` is false, in words.
    public let problems: [String]
}

extension TopologyStatus {
    /// The report for a terminal.
    public var text: String {
        var lines = ["portal: \(self.url)  \(self.healthy ? "healthy" : "UNHEALTHY")", ""]
        lines.append("process              pid      health   check")
        for process in self.processes {
            let health = process.healthy ? "ok" : process.alive ? "failing" : "down"
            lines.append(
                Self.pad(process.name, 20) + " " + Self.pad(process.pid.map(String.init) ?? "-", 8)
                    + " " + Self.pad(health, 8) + " " + process.check)
        }
        lines.append("")
        for database in self.databases {
            lines.append(
                "\(database.site) postgres :\(database.port)  role "
                    + "\(database.role ?? "unreachable")  current \(database.currentLSN ?? "-")  "
                    + "flush/receive \(database.flushLSN ?? "-")  "
                    + "replay \(database.replayLSN ?? "-")")
        }
        if let replication = self.replication {
            lines.append(
                "replication to \(replication.standby): \(replication.state), sync_state "
                    + "\(replication.syncState), flush \(replication.flushLSN), replay "
                    + "\(replication.replayLSN), replay lag \(replication.replayLagBytes) bytes / "
                    + String(format: "%.3f", replication.replayLagSeconds) + " s")
        } else {
            lines.append("replication: the standby is not connected to the primary")
        }
        if let archive = self.archive {
            lines.append(
                "archive shipping: backlog \(Self.number(archive.backlogFiles)) files, "
                    + "\(Self.number(archive.backlogBytes)) bytes, oldest "
                    + "\(Self.number(archive.backlogOldestAgeSeconds)) s; shipped "
                    + "\(Self.number(archive.shippedFilesTotal)) files, last "
                    + (archive.lastShipped ?? "-"))
        } else {
            lines.append("archive shipping: the shipper's metrics did not answer")
        }
        lines += Self.lines(of: self.coordinator)
        if !self.problems.isEmpty {
            lines.append("")
            lines += self.problems.map { "problem: \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// The coordinator's part of the report: term, primary, lease, each node, decisions.
    private static func lines(of coordinator: CoordinatorStatus?) -> [String] {
        guard let coordinator else {
            return ["", "coordinator: not answering"]
        }
        let lease = coordinator.lease.map {
            "lease held by \($0.holder), expires in \($0.expiresInMilliseconds) ms"
        }
        var lines = [
            "",
            "coordinator: term \(coordinator.term), primary "
                + (coordinator.primary?.rawValue ?? "none") + ", " + (lease ?? "no lease")
                + ", synchronous_standby_names '\(coordinator.synchronousStandbyNames)'"
                + (coordinator.strict ? ", strict" : ""),
            "node      role      reachable  heartbeat  timeline  lsn          lag bytes  sync   "
                + "promotable",
        ]
        for node in coordinator.nodes {
            lines.append(
                [
                    Self.pad(node.name.rawValue, 9), Self.pad(node.role?.rawValue ?? "?", 9),
                    Self.pad(node.reachable ? "yes" : "no", 10),
                    Self.pad(node.lastHeartbeatMillisecondsAgo.map { "\($0) ms" } ?? "-", 10),
                    Self.pad(node.timeline.map(String.init) ?? "-", 9),
                    Self.pad(node.lsn?.description ?? "-", 12),
                    Self.pad(node.lagBytes.map(String.init) ?? "-", 10),
                    Self.pad(node.syncState ?? "-", 6), node.promotable ? "yes" : "no",
                ].joined(separator: " "))
        }
        if !coordinator.decisions.isEmpty {
            lines.append("latest decisions:")
            for decision in coordinator.decisions.suffix(5) {
                lines.append(
                    "  \(decision.at)  term \(decision.term)  \(decision.decision): "
                        + decision.reason)
            }
        }
        return lines
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func number(_ value: Double?) -> String {
        guard let value else { return "?" }
        return value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
    }
}
