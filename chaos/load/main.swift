import Foundation
import Telemetry

// chaos-load: the fault drills' referral load and their invariant check.
//   chaos-load run --port FRONT --mail-log FILE --record FILE [--progress FILE]
//                  [--rate 20] [--duration 60] [--drain 5] [--timeout 5] [--workers 32]
//                  [--watch-ports A,B] [--email E] [--password P]
//   chaos-load check --drill NAME --record FILE --ports A,B --fault-at MS [--fault-end MS]
//                  [--mode first-ack|blocked] [--recovery-limit 60] [--expect-sync yes]
//                  [--coordinator-status FILE] [--notes JSON] [--expect-primary PORT]
//                  [--fault-error TEXT] [--drill-invariants "name=yes;name=no"]
//                  [--expect-no-failures yes]
// Exit status: 0 done (check: every invariant held), 1 an invariant failed, 2 usage or
// setup error.

let logger = Logger(label: "chaos-load")
let arguments = Array(CommandLine.arguments.dropFirst())

func runLoad(_ arguments: [String]) throws(ChaosError) -> Int32 {
    let parsed = try Arguments(
        arguments,
        known: [
            "port", "mail-log", "record", "progress", "rate", "duration", "drain", "timeout",
            "workers", "watch-ports", "email", "password",
        ])
    var options = LoadRun.Options()
    options.port = Int(try parsed.number("port", default: 0, in: 1...65535))
    options.rate = try parsed.number("rate", default: 20, in: 0.1...500)
    options.duration = .milliseconds(
        Int(try parsed.number("duration", default: 60, in: 1...3600) * 1000))
    options.drain = .milliseconds(Int(try parsed.number("drain", default: 5, in: 0...120) * 1000))
    options.attemptTimeout = .milliseconds(
        Int(try parsed.number("timeout", default: 5, in: 0.1...120) * 1000))
    options.workers = Int(try parsed.number("workers", default: 32, in: 1...256))
    let record = try parsed.required("record")
    let session = try PortalSession.open(
        port: options.port, email: parsed.string("email") ?? "dr.shah@demo.nhs.test",
        password: parsed.string("password")
            ?? ProcessInfo.processInfo.environment["DEMO_PASSWORD"] ?? "",
        mailLog: try parsed.required("mail-log"))
    logger.info(
        "load starts",
        [("load.rate", .string("\(options.rate)")), ("load.port", .int(Int64(options.port)))])

    let watcher = NodeWatcher(ports: try parsed.ports("watch-ports"))
    watcher.start()
    let run = LoadRun(options: options, session: session, logger: logger)
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    let signals = [SIGTERM, SIGINT].map { number in
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { run.requestStop() }
        source.resume()
        return source
    }
    let outcome = run.run(progress: parsed.string("progress"))
    signals.forEach { $0.cancel() }
    let result = LoadRecord(
        run: UUID().uuidString.lowercased(), url: "http://127.0.0.1:\(options.port)/",
        rate: options.rate, startedAt: run.startedAt, endedAt: WallClock.nowMilliseconds(),
        referrals: outcome.referrals, failureWindows: FailureWindows.of(outcome.referrals),
        samples: watcher.stop(), unsent: outcome.unsent)
    do {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: record))
    } catch {
        throw ChaosError(.storage, "cannot write \(record): \(error)")
    }
    let acknowledged = outcome.referrals.filter { $0.id != nil }.count
    logger.info(
        "load ends",
        [
            ("load.scheduled", .int(Int64(outcome.referrals.count))),
            ("load.acknowledged", .int(Int64(acknowledged))),
        ])
    return 0
}

func runCheck(_ arguments: [String]) throws(ChaosError) -> Int32 {
    let parsed = try Arguments(
        arguments,
        known: [
            "drill", "record", "ports", "fault-at", "fault-end", "mode", "recovery-limit",
            "expect-sync", "coordinator-status", "notes", "expect-primary", "fault-error",
            "drill-invariants", "expect-no-failures",
        ])
    var options = DrillCheck.Options()
    options.drill = try parsed.required("drill")
    options.record = try parsed.required("record")
    options.ports = try parsed.ports("ports")
    options.faultAt = Int64(try parsed.number("fault-at", default: 0, in: 1...1e15))
    options.faultEnd = Int64(
        try parsed.number("fault-end", default: Double(options.faultAt), in: 1...1e15))
    guard let mode = RecoveryTime.Mode(rawValue: parsed.string("mode") ?? "first-ack") else {
        throw ChaosError(.usage, "--mode is first-ack or blocked")
    }
    options.mode = mode
    options.recoveryLimit = try parsed.number("recovery-limit", default: 60, in: 1...3600)
    options.expectSynchronous = parsed.string("expect-sync") == "yes"
    options.expectNoFailures = parsed.string("expect-no-failures") == "yes"
    options.coordinatorStatus = parsed.string("coordinator-status")
    options.notes = parsed.string("notes")
    options.expectedPrimary = try parsed.ports("expect-primary").first
    options.faultError = parsed.string("fault-error").flatMap { $0.isEmpty ? nil : $0 }
    // "name=yes;name=no": invariants the drill script checked itself.
    for pair in (parsed.string("drill-invariants") ?? "").split(separator: ";") {
        let parts = pair.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, ["yes", "no"].contains(parts[1]) else {
            throw ChaosError(.usage, "--drill-invariants: '\(pair)' is not name=yes|no")
        }
        options.drillInvariants[String(parts[0])] = parts[1] == "yes"
    }
    let report = try DrillCheck(options: options).run()
    print(report.json())
    print(report.summary)
    return report.passed ? 0 : 1
}

do {
    switch arguments.first {
    case "run": exit(try runLoad(Array(arguments.dropFirst())))
    case "check": exit(try runCheck(Array(arguments.dropFirst())))
    default: throw ChaosError(.usage, "usage: chaos-load run|check --option value ...")
    }
} catch {
    FileHandle.standardError.write(Data("chaos-load: \(error)\n".utf8))
    exit(2)
}
