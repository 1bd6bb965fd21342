import Foundation
import Synchronization

/// The HTTP side's client, run as a child process of the benchmark (`referrals-bench load
/// PLAN`) so that its CPU time is counted apart from the API's, as pgbench's is: one thread
/// and one keep-alive connection per client, each sending a request, waiting for the answer
/// and sending the next, until the round's time or its per-client limit is up.
enum LoadGenerator {
    struct Plan: Codable, Sendable {
        let port: Int
        /// One per client: its session.
        let clients: [ReferralRequest.Fixed]
        let seconds: Double
        /// Client `c` uses serials from `firstSerial + c * perClient` on.
        let firstSerial: Int
        let perClient: Int
        let patients: Int
        let knownPercent: Int
        /// Where to write every latency, in microseconds, one a line.
        let latencyFile: String
    }

    struct ClientResult: Sendable {
        var latencies: [Double] = []
        var failure: String?
    }

    /// Runs the plan in `path`; prints `completed N seconds S` or the first failure.
    static func main(planPath: String) -> Int32 {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: planPath))
            let plan = try JSONDecoder().decode(Plan.self, from: data)
            let (results, seconds) = Self.run(plan)
            if let failure = results.lazy.compactMap(\.failure).first {
                print("failed: \(failure)")
                return 1
            }
            let latencies = results.flatMap(\.latencies)
            let text = latencies.map { String(Int($0)) }.joined(separator: "\n")
            try Data(text.utf8).write(to: URL(fileURLWithPath: plan.latencyFile))
            print("completed \(latencies.count) seconds \(seconds)")
            return 0
        } catch {
            print("failed: \(error)")
            return 1
        }
    }

    /// Where the client threads leave their results.
    private final class Collector: Sendable {
        let results = Mutex<[ClientResult]>([])
        /// When the last answer came in.
        let finished = Atomic<UInt64>(0)
        let done = DispatchSemaphore(value: 0)
    }

    private static func run(_ plan: Plan) -> ([ClientResult], Double) {
        let collector = Collector()
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(plan.seconds * 1e9)

        for client in plan.clients.indices {
            let thread = Thread {
                let result = Self.client(client, plan, deadline: deadline)
                _ = collector.finished.max(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
                collector.results.withLock { $0.append(result) }
                collector.done.signal()
            }
            thread.start()
        }
        for _ in plan.clients.indices {
            collector.done.wait()
        }
        let seconds = Double(collector.finished.load(ordering: .relaxed) - start) / 1e9
        return (collector.results.withLock { $0 }, seconds)
    }

    private static func client(_ client: Int, _ plan: Plan, deadline: UInt64) -> ClientResult {
        var result = ClientResult()
        result.latencies.reserveCapacity(4096)
        var random = SplitMix(seed: UInt64(client + 1) &* 0x9E37_79B9)
        let fixed = plan.clients[client]
        let first = plan.firstSerial + client * plan.perClient

        do {
            let connection = try LoopbackConnection(port: plan.port)
            for serial in first..<(first + plan.perClient) {
                let started = DispatchTime.now().uptimeNanoseconds
                guard started < deadline else { break }

                let known = Int.random(in: 1...100, using: &random) <= plan.knownPercent
                let n = known ? Int.random(in: 0..<plan.patients, using: &random) : serial
                let request = ReferralRequest.bytes(patient: n, key: serial, fixed)
                let response = try connection.exchange(request)
                guard response.status == 201 else {
                    result.failure =
                        "HTTP \(response.status): \(String(decoding: response.body, as: UTF8.self))"
                    break
                }
                result.latencies.append(
                    Double(DispatchTime.now().uptimeNanoseconds - started) / 1000)
            }
        } catch {
            result.failure = error.description
        }
        return result
    }
}

/// A cheap pseudo-random generator, so that a draw costs no system call (pgbench's own
/// generator costs none either).
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = self.state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
