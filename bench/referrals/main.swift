// Create-referral throughput: POST /api/v1/referrals over HTTP (keep-alive clients on
// loopback, the API in this process) against pgbench running the very statements one such
// request makes, captured from the server's statement log, at the same concurrency on the
// same throwaway cluster. Both sides refer known patients whose details agree, so every
// request takes the same path; rounds alternate and the totals are compared last.

import Foundation
import Migrations
import PortalTesting
import Telemetry

let environment = ProcessInfo.processInfo.environment
func setting(_ name: String, _ fallback: Int) -> Int {
    environment[name].flatMap(Int.init) ?? fallback
}
let clients = setting("BENCH_CLIENTS", 8)
let requests = setting("BENCH_REQUESTS", 2000)
let rounds = setting("BENCH_ROUNDS", 3)
let patients = setting("BENCH_PATIENTS", 1000)
let loops = setting("BENCH_LOOPS", 2)
let connections = setting("BENCH_POOL_CONNECTIONS", 4)
let timeLimit = Duration.seconds(setting("BENCH_TIME_LIMIT_SECONDS", 180))
let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs `body` on a thread of its own (the client's socket calls block).
func onThread<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Sends `count` referrals from `clients` keep-alive connections; returns requests/second.
func apiRound(
    port: Int, world: BenchWorld, bodies: [[UInt8]], count: Int, tag: String
) async throws -> Double {
    let headers = [
        "Cookie": "portal_session=\(world.cookieToken)", "X-CSRF-Token": world.csrfToken,
        "Content-Type": "application/json",
    ]
    var connected: [LoopbackClient] = []
    for _ in 0..<clients {
        connected.append(
            try LoopbackClient(port: port, host: "alliance.portal.test", headers: headers))
    }
    let perClient = count / clients
    let start = ContinuousClock.now
    let failures = await withTaskGroup(of: String?.self) { group in
        for (index, client) in connected.enumerated() {
            nonisolated(unsafe) let client = client
            group.addTask {
                await onThread {
                    for request in 0..<perClient {
                        let body = bodies[(index * 7919 + request * 104_729) % bodies.count]
                        let key = "Idempotency-Key: \(tag)-\(index)-\(request)\r\n"
                        do {
                            let answer = try client.post(
                                "/api/v1/referrals", body: body, headers: key)
                            guard answer.status == 201 else {
                                return "status \(answer.status): "
                                    + String(decoding: answer.body, as: UTF8.self)
                            }
                        } catch {
                            return "\(error)"
                        }
                    }
                    return nil
                }
            }
        }
        return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
    }
    let elapsed = ContinuousClock.now - start
    if let failure = failures.first { throw BenchFailure("a referral failed: \(failure)") }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(perClient * clients) / seconds
}

/// Runs the captured script with pgbench; returns its tps (connection time excluded).
func pgbenchRound(
    cluster: TestCluster, database: String, script: PgbenchScript, count: Int
) async throws -> Double {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("referrals-bench-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Data(script.text.utf8).write(to: URL(fileURLWithPath: "\(folder)/referral.sql"))
    var arguments = [
        "-n", "-M", "prepared", "-c", "\(clients)", "-j", "2", "-t", "\(count / clients)",
        "-f", "\(folder)/referral.sql", "-h", "127.0.0.1", "-p", "\(cluster.port)",
        "-U", "portal_app",
    ]
    for (name, value) in script.definitions {
        arguments += ["-D", "\(name)=\(value)"]
    }
    arguments.append(database)
    let before = try await cluster.psql(
        "SELECT count(*) FROM portal.referrals;", database: database)
    let output = try await ProcessRunner.run(
        cluster.binaries.path("pgbench"), arguments, timeout: timeLimit)
    let after = try await cluster.psql("SELECT count(*) FROM portal.referrals;", database: database)
    guard (Int(after) ?? 0) - (Int(before) ?? 0) == count / clients * clients else {
        throw BenchFailure("pgbench made \(after) - \(before) referrals, not \(count)")
    }
    guard output.succeeded else {
        throw BenchFailure("pgbench failed: \(output.standardError.suffix(2000))")
    }
    for line in output.standardOutput.split(separator: "\n") where line.hasPrefix("tps = ") {
        if let tps = Double(line.dropFirst(6).prefix { $0 != " " }) { return tps }
    }
    throw BenchFailure("no tps in pgbench's report:\n\(output.standardOutput)")
}

let cluster = try await TestCluster.create()
do {
    let database = try await cluster.createDatabase()
    let logger = Logger(label: "referrals-bench", level: .warning)
    let migrations = try MigrationSet.load(
        directory: repository.appendingPathComponent("migrations").path)
    _ = try await Migrator.withConnection(
        databaseURL: cluster.connectionString(database: database), logger: logger
    ) { try await $0.migrate(migrations) }
    let world = try BenchWorld(patients: patients)
    try await cluster.psql(try world.sql(), database: database)
    let bodies = try world.nhsNumbers.map { try world.body(nhsNumber: $0) }

    // Capture: two requests with the statement log on; what they ran becomes the script.
    try await cluster.psql(
        "ALTER SYSTEM SET log_statement = 'all'; SELECT pg_reload_conf();")
    let appURL = cluster.connectionString(database: database, user: "portal_app", password: nil)
    let capture = try await BenchAPINode.start(connectionString: appURL, loops: 1, connections: 1)
    let captureClient = try LoopbackClient(
        port: capture.server.port, host: "alliance.portal.test",
        headers: [
            "Cookie": "portal_session=\(world.cookieToken)", "X-CSRF-Token": world.csrfToken,
            "Content-Type": "application/json",
        ])
    for (index, body) in [bodies[0], bodies[1]].enumerated() {
        let answer = try captureClient.post(
            "/api/v1/referrals", body: body, headers: "Idempotency-Key: capture-\(index)\r\n")
        guard answer.status == 201 else {
            throw BenchFailure("capture request: \(String(decoding: answer.body, as: UTF8.self))")
        }
    }
    await capture.stop()
    try await cluster.psql("ALTER SYSTEM RESET log_statement; SELECT pg_reload_conf();")

    let log = try String(contentsOfFile: cluster.logFile, encoding: .utf8)
    let transactions = Transactions.of(LoggedStatement.parse(log, role: "portal_app"))
    let requestsRun = transactions.filter { transaction in
        transaction.contains {
            $0.sql.contains("portal.sessions") || $0.sql.contains("portal.referrals")
        }
    }
    guard requestsRun.count == 4 else {
        throw BenchFailure("expected 4 captured transactions, found \(requestsRun.count)")
    }
    let ids = try await cluster.psql(
        """
        SELECT r.id, r.patient_id, p.nhs_number FROM portal.idempotency_keys k
        JOIN portal.referrals r ON k.record_path = '/api/v1/referrals/' || r.id
        JOIN portal.patients p ON p.id = r.patient_id
        ORDER BY k.key;
        """, database: database
    ).split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
    let script = try PgbenchScript(
        first: requestsRun[0] + requestsRun[1], second: requestsRun[2] + requestsRun[3],
        variables: [
            ("key", "capture-0", "capture-1"), ("nhs", ids[0][2], ids[1][2]),
            ("p_id", ids[0][1], ids[1][1]), ("r_id", ids[0][0], ids[1][0]),
        ],
        patients: patients)
    let statementCount = (requestsRun[0] + requestsRun[1]).count
    if environment["BENCH_SHOW_SCRIPT"] != nil {
        print(script.text)
        for (name, value) in script.definitions { print("-D \(name)=\(value)") }
    }
    print("workload: POST /api/v1/referrals for known patients, \(clients) concurrent clients,")
    print("          \(requests) requests a round, \(rounds) alternating rounds per side;")
    print("          pgbench runs the \(statementCount) statements one request made (captured")
    print("          from the server log), as portal_app, with -M prepared")

    let node = try await BenchAPINode.start(
        connectionString: appURL, loops: loops, connections: connections)
    var apiRates: [Double] = []
    var pgbenchRates: [Double] = []
    _ = try await apiRound(
        port: node.server.port, world: world, bodies: bodies, count: clients * 20, tag: "warm")
    _ = try await pgbenchRound(
        cluster: cluster, database: database, script: script, count: clients * 20)
    for round in 0..<rounds {
        apiRates.append(
            try await apiRound(
                port: node.server.port, world: world, bodies: bodies, count: requests,
                tag: "round\(round)"))
        pgbenchRates.append(
            try await pgbenchRound(
                cluster: cluster, database: database, script: script, count: requests))
    }
    await node.stop()

    let api = apiRates.reduce(0, +) / Double(apiRates.count)
    let baseline = pgbenchRates.reduce(0, +) / Double(pgbenchRates.count)
    let format = { (rates: [Double]) in
        rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")
    }
    let pgbenchLabel = "pgbench (-c \(clients) -j 2, -M prepared)"
    let apiLabel = "referral API (\(loops) loops x \(connections) conns)"
    let baselineRate = String(format: "%.0f", baseline)
    let apiRate = String(format: "%.0f", api)
    print("\(pgbenchLabel): \(baselineRate) tx/s (rounds: \(format(pgbenchRates)))")
    print("\(apiLabel): \(apiRate) req/s (rounds: \(format(apiRates)))")
    await cluster.remove()
    print("referral API / pgbench throughput ratio: \(String(format: "%.2f", api / baseline))")
} catch {
    await cluster.remove()
    print("benchmark failed: \(error)")
    exit(1)
}
