/// The recovery time as a client sees it, from the load's record.
enum RecoveryTime {
    /// How the drill measures it.
    enum Mode: String {
        /// From the fault to the first acknowledgement of an attempt that started after it
        /// (an answer in flight at the fault proves nothing about recovery).
        case firstAcknowledgement = "first-ack"
        /// The longest stretch without any acknowledgement around the fault (a switchover:
        /// the time writes were blocked).
        case blocked
    }

    /// Seconds, or nil when no write was acknowledged after the fault.
    static func seconds(
        _ referrals: [LoadRecord.Referral], mode: Mode, faultAt: Int64, faultEnd: Int64
    ) -> Double? {
        let acknowledged = referrals.compactMap { referral -> (Int64, Int64)? in
            guard let at = referral.acknowledgedAt,
                let started = referral.acknowledgedAttemptStartedAt
            else { return nil }
            return (at, started)
        }
        guard
            let first = acknowledged.filter({ $0.1 >= faultAt }).map(\.0).min()
        else { return nil }
        switch mode {
        case .firstAcknowledgement:
            return Double(first - faultAt) / 1000
        case .blocked:
            // Acknowledgement times around the fault; the longest gap between neighbours
            // that touches [faultAt, max(faultEnd, first)].
            let end = max(faultEnd, first)
            let times = acknowledged.map(\.0).sorted()
            var longest: Int64 = 0
            for (previous, next) in zip(times, times.dropFirst())
            where next >= faultAt && previous <= end {
                longest = max(longest, next - max(previous, faultAt - 1000))
            }
            return Double(longest) / 1000
        }
    }
}
