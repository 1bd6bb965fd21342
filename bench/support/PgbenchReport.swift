import Foundation

/// What pgbench reports: its throughput line and its per-transaction log files.
public enum PgbenchReport {
    /// The `tps = ...` figure of pgbench's report, which leaves out the time spent connecting.
    public static func throughput(_ report: String) -> Double? {
        for line in report.split(separator: "\n") where line.hasPrefix("tps = ") {
            return Double(line.dropFirst(6).prefix { $0 != " " })
        }
        return nil
    }

    /// Latencies (third column, microseconds) of every transaction in the `log*` files that
    /// `pgbench --log --log-prefix=FOLDER/log` wrote.
    public static func latencies(in folder: String) throws -> [Double] {
        var latencies: [Double] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder)
        where file.hasPrefix("log") {
            let text = try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count >= 3, let latency = Double(fields[2]) {
                    latencies.append(latency)
                }
            }
        }
        return latencies
    }
}
