/// What the watcher's samples say about two primaries: stretches when two nodes were both
/// writable, and whether both committed referrals (their counts grew) in such a stretch.
struct SplitBrainEvidence: Encodable {
    /// Milliseconds in which two nodes both answered as writable.
    var bothWritableMilliseconds: Int64 = 0
    /// Stretches in which two writable nodes both showed new referrals.
    var dualCommitWindows: [[Int64]] = []
    /// Milliseconds in which the watcher reached no node at all.
    var blindMilliseconds: Int64 = 0
    /// Per node, how many samples failed and the first and last error, so a blind watcher
    /// says why.
    var sampleErrors: [String: [String]] = [:]

    /// From the samples (each node sampled about every 100 ms), in 200 ms buckets.
    static func of(_ samples: [LoadRecord.NodeSample], bucket: Int64 = 200) -> SplitBrainEvidence {
        var evidence = SplitBrainEvidence()
        guard let first = samples.first?.at, let last = samples.last?.at else { return evidence }
        let ports = Set(samples.map(\.port))
        for port in ports.sorted() {
            let errors = samples.filter { $0.port == port }.compactMap(\.error)
            if let first = errors.first, let last = errors.last {
                evidence.sampleErrors[String(port)] = ["\(errors.count) failed", first, last]
            }
        }
        var byBucket: [Int64: [Int: [LoadRecord.NodeSample]]] = [:]
        for sample in samples {
            byBucket[(sample.at - first) / bucket, default: [:]][sample.port, default: []]
                .append(sample)
        }
        // Each node's referral count while writable, to see growth.
        var lastWritableCount: [Int: Int] = [:]
        var open: Int64?
        for index in 0...((last - first) / bucket) {
            let nodes = byBucket[index] ?? [:]
            let writable = ports.filter { port in nodes[port]?.contains { $0.writable } == true }
            if nodes.values.allSatisfy({ $0.allSatisfy { !$0.reachable } }) {
                evidence.blindMilliseconds += bucket
            }
            var grew: Set<Int> = []
            for port in writable {
                let counts = (nodes[port] ?? []).filter(\.writable).compactMap(\.referrals)
                guard let newest = counts.max() else { continue }
                if let before = lastWritableCount[port], newest > before { grew.insert(port) }
                lastWritableCount[port] = newest
            }
            if writable.count > 1 {
                evidence.bothWritableMilliseconds += bucket
            }
            let dual = writable.count > 1 && grew.count > 1
            let at = first + index * bucket
            if dual && open == nil {
                open = at
            } else if !dual, let start = open {
                evidence.dualCommitWindows.append([start, at])
                open = nil
            }
        }
        if let start = open { evidence.dualCommitWindows.append([start, last]) }
        return evidence
    }
}
