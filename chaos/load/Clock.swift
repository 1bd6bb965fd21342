import Foundation

/// Wall-clock milliseconds since the Unix epoch: the one time scale shared by the load
/// generator, the node watcher and the drill script (`date +%s%3N`), all on one machine.
enum WallClock {
    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}

extension Duration {
    /// The duration in seconds, for Thread.sleep and reports.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
