import Failover

extension LocalTopology {
    /// Looks at every part: processes by their records and checks, each PostgreSQL's role
    /// and WAL positions, the replication between them and the shipper's backlog.
    public func status() async -> TopologyStatus {
        var problems: [String] = []
        var processes: [TopologyStatus.Process] = []
        for component in self.components {
            let record = self.running(component)
            let healthy = record != nil ? await self.passes(component.check) : false
            processes.append(
                TopologyStatus.Process(
                    name: component.name, pid: record?.pid, alive: record != nil,
                    healthy: healthy, check: Self.describe(component.check)))
            if record == nil {
                problems.append("\(component.name) is not running")
            } else if !healthy {
                problems.append(
                    "\(component.name) runs but fails \(Self.describe(component.check))")
            }
        }

        let coordinator = self.coordinatorStatus()
        problems += Self.problems(of: coordinator)
        let leader =
            coordinator?.primary.flatMap { Site(node: $0.rawValue) } ?? self.recordedPrimary()
        let databases = [await self.database(self.primary), await self.database(self.standby)]
        for database in databases {
            let role = database.site == leader.rawValue ? "primary" : "standby"
            if database.role != role {
                problems.append(
                    "\(database.site)'s PostgreSQL is \(database.role ?? "unreachable"), "
                        + "not \(role)"
                )
            }
        }
        let replication = await self.replication(from: self.site(leader))
        let follower = leader.peer.rawValue
        if let replication {
            if replication.state != "streaming" || replication.syncState != "sync" {
                problems.append(
                    "\(follower) is \(replication.state) with sync_state \(replication.syncState), "
                        + "not streaming synchronously")
            }
        } else {
            problems.append("\(follower) is not replicating from \(leader.rawValue)")
        }
        let archive = self.archive()
        if let age = archive?.backlogOldestAgeSeconds, age > 60 {
            problems.append("the oldest WAL file waiting to be shipped is \(Int(age)) s old")
        }

        return TopologyStatus(
            url: self.url, healthy: problems.isEmpty, processes: processes,
            databases: databases, replication: replication, archive: archive,
            coordinator: coordinator, problems: problems)
    }

    /// What is wrong in the coordinator's view: no answer, no lease held by the primary,
    /// a node it cannot reach, a standby it would not promote.
    static func problems(of coordinator: CoordinatorStatus?) -> [String] {
        guard let coordinator else {
            return ["the coordinator does not answer GET /v1/status"]
        }
        var problems: [String] = []
        guard let primary = coordinator.primary else {
            return ["the coordinator has no primary (term \(coordinator.term))"]
        }
        if coordinator.lease?.holder != primary {
            problems.append(
                "the lease is held by \(coordinator.lease?.holder.rawValue ?? "nobody"), not the "
                    + "primary \(primary)")
        } else if let left = coordinator.lease?.expiresInMilliseconds, left <= 0 {
            problems.append("\(primary)'s lease has run out")
        }
        for node in coordinator.nodes {
            if !node.reachable {
                problems.append("the coordinator cannot reach \(node.name)")
            }
            if node.name != primary && !node.promotable {
                problems.append("the coordinator would not promote \(node.name) (not promotable)")
            }
        }
        return problems
    }

    /// True when `check` passes now.
    func passes(_ check: Component.Check) async -> Bool {
        switch check {
        case .http(let port, let path):
            HTTPProbe.get(port: port, path: path)?.status == 200
        case .accepts(let port):
            HTTPProbe.accepts(port: port)
        case .postgres(let port):
            (try? await self.site(port: port).query("SELECT 1", timeout: .seconds(5))) == [["1"]]
        }
    }

    private func site(port: Int) -> PostgresSite {
        port == self.ports.postgresA ? self.primary : self.standby
    }

    private static func describe(_ check: Component.Check) -> String {
        switch check {
        case .http(let port, let path): "GET \(path) on \(port)"
        case .accepts(let port): "TCP connect to \(port)"
        case .postgres(let port): "SELECT 1 on \(port)"
        }
    }

    private func database(_ site: PostgresSite) async -> TopologyStatus.Database {
        let sql = """
            SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END,
                   CASE WHEN pg_is_in_recovery() THEN '' ELSE pg_current_wal_lsn()::text END,
                   CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_receive_lsn()::text, '')
                        ELSE pg_current_wal_flush_lsn()::text END,
                   coalesce(pg_last_wal_replay_lsn()::text, '')
            """
        let row = try? await site.query(sql, timeout: .seconds(5)).first
        func field(_ index: Int) -> String? {
            guard let row, row.count > index, !row[index].isEmpty else { return nil }
            return row[index]
        }
        return TopologyStatus.Database(
            site: site.site.rawValue, port: site.port, role: field(0), currentLSN: field(1),
            flushLSN: field(2), replayLSN: field(3))
    }

    private func replication(from primary: PostgresSite) async -> TopologyStatus.Replication? {
        let sql = """
            SELECT application_name, state, sync_state, coalesce(sent_lsn::text, ''),
                   coalesce(flush_lsn::text, ''), coalesce(replay_lsn::text, ''),
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint,
                   CASE WHEN replay_lsn >= pg_current_wal_lsn() THEN 0
                        ELSE coalesce(extract(epoch FROM replay_lag), 0) END
            FROM pg_stat_replication
            WHERE application_name = '\(primary.site.peer.applicationName)'
            """
        guard let row = try? await primary.query(sql, timeout: .seconds(5)).first,
            row.count == 8
        else {
            return nil
        }
        return TopologyStatus.Replication(
            standby: row[0], state: row[1], syncState: row[2], sentLSN: row[3], flushLSN: row[4],
            replayLSN: row[5], replayLagBytes: Int64(row[6]) ?? -1,
            replayLagSeconds: Double(row[7]) ?? -1)
    }

    private func archive() -> TopologyStatus.Archive? {
        guard let answer = HTTPProbe.get(port: self.ports.shipperMetrics, path: "/metrics"),
            answer.status == 200
        else {
            return nil
        }
        let text = answer.body
        return TopologyStatus.Archive(
            backlogFiles: PrometheusText.value("replicator_backlog_files", in: text),
            backlogBytes: PrometheusText.value("replicator_backlog_bytes", in: text),
            backlogOldestAgeSeconds: PrometheusText.value(
                "replicator_backlog_oldest_age_seconds", in: text),
            shippedFilesTotal: PrometheusText.value("replicator_shipped_files_total", in: text),
            lastShipped: PrometheusText.label(
                "file", of: "replicator_last_shipped_info", in: text))
    }
}
