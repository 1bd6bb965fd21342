import Foundation

/// A drill's result: the JSON report and its one-line summary,
/// `drill NAME: rto_s=X.X lost_acknowledged=N duplicates=N split_brain=no|yes`.
struct DrillReport: Encodable {
    /// The load's figures.
    struct Load: Encodable {
        var scheduled = 0
        var acknowledged = 0
        var attempts = 0
        /// Attempts after the first of their referral (same key).
        var retries = 0
        /// Referrals whose acknowledgement was a replay: an earlier attempt, reported as
        /// failed or timed out, had in fact committed. Each counts as one referral.
        var replayedAfterFailure = 0
        var refused = 0
        var unacknowledged = 0
        var unsent = 0
        var failureWindows: [LoadRecord.FailureWindow] = []

        init() {}

        init(_ record: LoadRecord, acknowledged: Int) {
            self.scheduled = record.referrals.count
            self.acknowledged = acknowledged
            self.attempts = record.referrals.reduce(0) { $0 + $1.attempts.count }
            self.retries = record.referrals.reduce(0) { $0 + max(0, $1.attempts.count - 1) }
            self.replayedAfterFailure = record.referrals.filter(\.replayed).count
            self.refused = record.referrals.filter(\.refused).count
            self.unacknowledged =
                record.referrals.filter { $0.id == nil && !$0.attempts.isEmpty }
                .count
            self.unsent = record.referrals.filter(\.attempts.isEmpty).count
            self.failureWindows = record.failureWindows
        }
    }

    let drill: String
    let faultAt: Int64
    var rtoSeconds: Double?
    var lostAcknowledged = 0
    var lostIDs: [String] = []
    var duplicates = 0
    var splitBrain = false
    var acknowledgedOnlyElsewhere = 0
    var splitBrainEvidence = SplitBrainEvidence()
    var finalPrimaryPort: Int?
    var reachablePorts: [Int] = []
    var pairSynchronous: Bool?
    var invariants: [String: Bool] = [:]
    var load = Load()
    var notes: [String] = []
    var coordinatorStatus: String?
    var drillNotes: String?

    init(drill: String, faultAt: Int64) {
        self.drill = drill
        self.faultAt = faultAt
    }

    var passed: Bool { !self.invariants.isEmpty && self.invariants.values.allSatisfy { $0 } }

    /// The last line; `rto_s=inf` when no write was acknowledged after the fault.
    var summary: String {
        let rto = self.rtoSeconds.map { String(format: "%.1f", $0) } ?? "inf"
        return "drill \(self.drill): rto_s=\(rto) lost_acknowledged=\(self.lostAcknowledged) "
            + "duplicates=\(self.duplicates) split_brain=\(self.splitBrain ? "yes" : "no")"
    }

    /// The report as pretty JSON, the embedded coordinator status and notes as JSON too.
    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self),
            var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return "{}" }
        object["passed"] = self.passed
        for (key, text) in [
            ("coordinatorStatus", self.coordinatorStatus), ("drillNotes", self.drillNotes),
        ] {
            if let text, let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) {
                object[key] = value
            }
        }
        guard
            let pretty = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        else { return "{}" }
        return String(decoding: pretty, as: UTF8.self)
    }
}
