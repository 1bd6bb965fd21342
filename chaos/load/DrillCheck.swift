import Foundation

/// The invariants of one drill, checked against the load's record and the databases after
/// recovery: every acknowledged referral present on the final primary, none duplicated
/// (by id or by idempotency key), never two primaries that both committed, and recovery
/// without a human within the drill's bound.
struct DrillCheck {
    struct Options {
        var drill = ""
        var record = ""
        var ports: [Int] = []
        var faultAt: Int64 = 0
        var faultEnd: Int64 = 0
        var mode: RecoveryTime.Mode = .firstAcknowledgement
        var recoveryLimit = 60.0
        /// The final primary must have a synchronous standby (kill-standby: it rejoined).
        var expectSynchronous = false
        /// Coordinator status JSON saved by the drill, embedded as evidence.
        var coordinatorStatus: String?
        /// Further facts the drill adds (JSON object text), embedded as they are.
        var notes: String?
        /// The port that must be the only writable node at the end, when the drill knows.
        var expectedPrimary: Int?
        /// Why the fault could not be injected (the drill then fails).
        var faultError: String?
        /// Clients must see no failed attempt after the fault (the coordinator's loss).
        var expectNoFailures = false
        /// Invariants the drill checked itself (a restarted coordinator resumed ...).
        var drillInvariants: [String: Bool] = [:]
    }

    let options: Options

    /// Checks and returns the report.
    func run() throws(ChaosError) -> DrillReport {
        let record: LoadRecord
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: self.options.record))
            record = try JSONDecoder().decode(LoadRecord.self, from: data)
        } catch {
            throw ChaosError(
                .storage, "cannot read the load record \(self.options.record): \(error)")
        }
        var report = DrillReport(drill: self.options.drill, faultAt: self.options.faultAt)
        let acknowledged = record.referrals.filter { $0.id != nil }
        report.load = DrillReport.Load(record, acknowledged: acknowledged.count)

        // Which nodes answer, and which of them are writable now.
        var roles: [Int: Bool] = [:]
        for port in self.options.ports {
            if case .success(let rows) = SQLProbe(port: port).rows("SELECT pg_is_in_recovery()"),
                let value = rows.first?[0]
            {
                roles[port] = value == "f"
            }
        }
        let primaries = roles.filter(\.value).map(\.key).sorted()
        report.finalPrimaryPort = primaries.count == 1 ? primaries[0] : nil
        report.reachablePorts = roles.keys.sorted()

        // Lost: acknowledged ids missing on the final primary (or, with none, on any node).
        let ids = acknowledged.compactMap(\.id)
        let source = primaries.first ?? roles.keys.sorted().first
        var present: Set<String> = []
        if let source {
            present = try Self.present(ids, port: source)
        }
        let lost = ids.filter { !present.contains($0) }
        report.lostAcknowledged = lost.count
        report.lostIDs = Array(lost.prefix(20))
        if source == nil { report.notes.append("no node answered: nothing could be verified") }

        // Acknowledged ids that exist only on another node than the final primary.
        var elsewhere = 0
        for port in roles.keys where port != source && !lost.isEmpty {
            elsewhere += (try? Self.present(lost, port: port).count) ?? 0
        }

        // Duplicates: one id under two keys, and in the database referrals that no key made
        // or keys whose stored answer names another referral than the one acknowledged.
        let idCounts = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }
        var duplicates = idCounts.values.reduce(0) { $0 + $1.count - 1 }
        if let source {
            duplicates += try Self.databaseDuplicates(acknowledged, port: source, report: &report)
        }
        report.duplicates = duplicates

        // Split brain.
        let evidence = SplitBrainEvidence.of(record.samples)
        report.splitBrainEvidence = evidence
        report.acknowledgedOnlyElsewhere = elsewhere
        report.splitBrain =
            primaries.count > 1 || !evidence.dualCommitWindows.isEmpty || elsewhere > 0

        // Recovery.
        report.rtoSeconds = RecoveryTime.seconds(
            record.referrals, mode: self.options.mode, faultAt: self.options.faultAt,
            faultEnd: self.options.faultEnd)
        var synchronous: Bool?
        if let port = report.finalPrimaryPort {
            let sql = "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'"
            if case .success(let rows) = SQLProbe(port: port, database: "postgres").rows(sql) {
                synchronous = rows.first?[0].flatMap { Int($0) }.map { $0 > 0 }
            }
        }
        report.pairSynchronous = synchronous
        let recovered =
            report.rtoSeconds.map { $0 <= self.options.recoveryLimit } == true
            && report.finalPrimaryPort != nil
            && (!self.options.expectSynchronous || synchronous == true)
        report.invariants = [
            "every acknowledged referral present": lost.isEmpty && source != nil,
            "no referral duplicated": duplicates == 0,
            "no split brain": !report.splitBrain,
            "recovered without a human": recovered,
            "fault injected": self.options.faultError == nil,
        ]
        if let expected = self.options.expectedPrimary {
            report.invariants["primary at port \(expected) at the end"] =
                report.finalPrimaryPort == expected
        }
        if self.options.expectNoFailures {
            let failed = record.referrals.flatMap(\.attempts).filter {
                $0.startedAt >= self.options.faultAt && $0.outcome != "acknowledged"
                    && $0.outcome != "replayed"
            }
            report.invariants["clients saw no failure after the fault"] = failed.isEmpty
            if !failed.isEmpty {
                report.notes.append("failed attempts after the fault: \(failed.count)")
            }
        }
        report.invariants.merge(self.options.drillInvariants) { $1 }
        if let error = self.options.faultError { report.notes.append("fault: \(error)") }
        if let path = self.options.coordinatorStatus,
            let data = FileManager.default.contents(atPath: path), !data.isEmpty
        {
            let text = String(decoding: data, as: UTF8.self)
            report.coordinatorStatus = text
            if let view = CoordinatorView(text) {
                Self.judge(view, ports: self.options.ports, report: &report)
            }
        }
        report.drillNotes = self.options.notes
        return report
    }

    /// The coordinator's side: no term with two promotions (that is a split brain), and
    /// the primary it names is the writable node.
    static func judge(_ view: CoordinatorView, ports: [Int], report: inout DrillReport) {
        let contested = view.contestedTerms
        if !contested.isEmpty {
            report.splitBrain = true
            report.invariants["no split brain"] = false
            report.notes.append("terms with two promotions: \(contested)")
        }
        report.invariants["coordinator names the writable node as primary"] =
            view.primaryPort(ports) != nil && view.primaryPort(ports) == report.finalPrimaryPort
    }

    /// Which of `ids` the node at `port` holds.
    static func present(_ ids: [String], port: Int) throws(ChaosError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let list = ids.map { "'\($0)'" }.joined(separator: ",")
        let sql = "SELECT id::text FROM portal.referrals WHERE id IN (\(list))"
        switch SQLProbe(port: port).rows(sql) {
        case .success(let rows): return Set(rows.compactMap { $0[0] })
        case .failure(let error): throw error
        }
    }

    /// Referrals without the key that made them, keys stored twice, and keys whose stored
    /// answer names another referral than the one the load was told.
    static func databaseDuplicates(
        _ acknowledged: [LoadRecord.Referral], port: Int, report: inout DrillReport
    ) throws(ChaosError) -> Int {
        let probe = SQLProbe(port: port)
        let orphans = """
            SELECT count(*) FROM portal.referrals r WHERE NOT EXISTS (SELECT 1 FROM
              portal.idempotency_keys k WHERE k.record_path = '/api/v1/referrals/' || r.id::text)
            """
        let twice = """
            SELECT count(*) - count(DISTINCT record_path) FROM portal.idempotency_keys
            WHERE record_path IS NOT NULL
            """
        var total = 0
        let checks = [("referrals made by no key", orphans), ("keys naming one referral", twice)]
        for (name, sql) in checks {
            switch probe.rows(sql) {
            case .success(let rows):
                let count = rows.first?[0].flatMap { Int($0) } ?? 0
                if count > 0 { report.notes.append("\(name): \(count)") }
                total += count
            case .failure(let error): throw error
            }
        }
        let keys = acknowledged.map { "'\($0.key)'" }.joined(separator: ",")
        guard !keys.isEmpty else { return total }
        let stored = "SELECT key, record_path FROM portal.idempotency_keys WHERE key IN (\(keys))"
        switch probe.rows(stored) {
        case .success(let rows):
            let paths = Dictionary(
                rows.map { ($0[0] ?? "", $0[1] ?? "") }, uniquingKeysWith: { first, _ in first })
            let mismatched = acknowledged.filter { referral in
                guard let id = referral.id, let path = paths[referral.key] else { return false }
                return path != "/api/v1/referrals/\(id)"
            }
            if !mismatched.isEmpty {
                report.notes.append("keys whose stored referral differs: \(mismatched.count)")
            }
            total += mismatched.count
        case .failure(let error): throw error
        }
        return total
    }
}
