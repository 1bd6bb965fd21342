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

        let databases = [await self.database(self.primary), await self.database(self.standby)]
        for (database, role) in zip(databases, ["primary", "standby"]) where database.role != role {
            problems.append(
                "\(database.site)'s PostgreSQL is \(database.role ?? "unreachable"), not \(role)")
        }
        let replication = await self.replication()
        if let replication {
            if replication.state != "streaming" || replication.syncState != "sync" {
                problems.append(
                    "site B is \(replication.state) with sync_state \(replication.syncState), "
                        + "not streaming synchronously")
            }
        } else {
            problems.append("site B is not replicating from site A")
        }
        let archive = self.archive()
        if let age = archive?.backlogOldestAgeSeconds, age > 60 {
            problems.append("the oldest WAL file waiting to be shipped is \(Int(age)) s old")
        }

        return TopologyStatus(
            url: self.url, healthy: problems.isEmpty, processes: processes,
            databases: databases, replication: replication, archive: archive, problems: problems)
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

    private func replication() async -> TopologyStatus.Replication? {
        let sql = """
            SELECT application_name, state, sync_state, coalesce(sent_lsn::text, ''),
                   coalesce(flush_lsn::text, ''), coalesce(replay_lsn::text, ''),
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint,
                   CASE WHEN replay_lsn >= pg_current_wal_lsn() THEN 0
                        ELSE coalesce(extract(epoch FROM replay_lag), 0) END
            FROM pg_stat_replication WHERE application_name = '\(Site.b.applicationName)'
            """
        guard let row = try? await self.primary.query(sql, timeout: .seconds(5)).first,
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
