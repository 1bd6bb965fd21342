/// Groups failed attempts into windows: failures less than `gap` apart belong to one
/// window, so a failover shows as one stretch with its length and the kinds of failure.
enum FailureWindows {
    static func of(
        _ referrals: [LoadRecord.Referral], gap: Int64 = 1000
    ) -> [LoadRecord.FailureWindow] {
        let failed = referrals.flatMap(\.attempts)
            .filter { $0.outcome != "acknowledged" && $0.outcome != "replayed" }
            .sorted { $0.startedAt < $1.startedAt }
        var windows: [LoadRecord.FailureWindow] = []
        var from: Int64 = 0
        var to: Int64 = 0
        var kinds: [String: Int] = [:]
        for attempt in failed {
            if !kinds.isEmpty && attempt.startedAt > to + gap {
                windows.append(
                    LoadRecord.FailureWindow(
                        from: from, to: to, failures: kinds.values.reduce(0, +), kinds: kinds))
                kinds = [:]
            }
            if kinds.isEmpty {
                from = attempt.startedAt
                to = attempt.endedAt
            }
            to = max(to, attempt.endedAt)
            kinds[attempt.outcome, default: 0] += 1
        }
        if !kinds.isEmpty {
            windows.append(
                LoadRecord.FailureWindow(
                    from: from, to: to, failures: kinds.values.reduce(0, +), kinds: kinds))
        }
        return windows
    }
}
