// The cost of one sign-in's password work on this machine: scrypt with the parameters the
// API nodes use, through the Security module, against Python's hashlib.scrypt (the same
// OpenSSL function behind a thin binding) with the same parameters, in the same run.
//
// Prints median and 95th percentile wall time and the median thread CPU time of hashing and
// of verifying, then the baseline's median, and last the ratio of medians (lower is better).

import Foundation
import Security

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

let rounds = max(5, Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "") ?? 30)
let parameters = ScryptParameters.interactive
let hasher = PasswordHasher(parameters: parameters)
let password = "correct horse battery staple"

/// Wall and thread CPU milliseconds of one call of `work`.
func measure(_ work: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let wallStart = ContinuousClock.now
    let cpuStart = threadCPUMilliseconds()
    try work()
    let cpu = threadCPUMilliseconds() - cpuStart
    let wall = ContinuousClock.now - wallStart
    return (Double(wall.components.attoseconds) / 1e15 + Double(wall.components.seconds) * 1e3, cpu)
}

func threadCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
    return sorted[index]
}

func format(_ value: Double) -> String {
    String(format: "%.1f", value)
}

struct BaselineFailure: Error, CustomStringConvertible {
    let output: String
    var description: String { "the Python hashlib.scrypt baseline failed: \(self.output)" }
}

/// The baseline's median milliseconds, timed inside Python so no process start is counted.
func baselineMedian() throws -> Double {
    let script = """
        import hashlib, os, statistics, time
        times = []
        for _ in range(\(rounds)):
            start = time.perf_counter()
            hashlib.scrypt(b"\(password)", salt=os.urandom(\(parameters.saltLength)),
                           n=\(1 << parameters.logN), r=\(parameters.blockSize),
                           p=\(parameters.parallelism), maxmem=\(parameters.memoryBytes * 2),
                           dklen=\(parameters.keyLength))
            times.append((time.perf_counter() - start) * 1000)
        print(statistics.median(times))
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", script]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0, let median = Double(text) else {
        throw BaselineFailure(output: text)
    }
    return median
}

print("scrypt \(parameters) (\(parameters.memoryBytes >> 20) MiB), \(rounds) rounds each")

var stored = ""
var hashing: [(wall: Double, cpu: Double)] = []
for _ in 0..<rounds {
    hashing.append(try measure { stored = try hasher.hash(password) })
}
var verifying: [(wall: Double, cpu: Double)] = []
for _ in 0..<rounds {
    verifying.append(try measure { _ = try hasher.verify(password, against: stored) })
}

for (name, samples) in [("hash", hashing), ("verify", verifying)] {
    let walls = samples.map(\.wall)
    print(
        "\(name): median \(format(percentile(walls, 0.5))) ms, p95 \(format(percentile(walls, 0.95)))"
            + " ms wall; median \(format(percentile(samples.map(\.cpu), 0.5))) ms CPU")
}

let baseline = try baselineMedian()
print("baseline Python hashlib.scrypt: median \(format(baseline)) ms wall")
let ours = percentile(verifying.map(\.wall), 0.5)
print("lower is better")
print("password verify / hashlib.scrypt median ratio: \(String(format: "%.2f", ours / baseline))")
