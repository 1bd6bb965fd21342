import Foundation
import Testing

@testable import Failover

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A real `portal-coordinator` process on a free loopback port with its own state folder,
/// and the calls an agent or operator makes to it.
final class CoordinatorProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let folder: String
    let port: Int
    let leaseMilliseconds: Int
    private(set) var process: Process?
    let client: FailoverHTTPClient

    var configPath: String { self.folder + "/coordinator.json" }
    var statePath: String { self.folder + "/state.json" }
    var logPath: String { self.folder + "/coordinator.log" }

    /// Writes a configuration (lease 1 s, renewal 100 ms, grace 1.5 s) in a new folder.
    init(leaseMilliseconds: Int = 1000, graceMilliseconds: Int = 1500) throws {
        self.folder = NSTemporaryDirectory() + "coordinator-\(UUID().uuidString)"
        try FileManager.default.createDirectory(
            atPath: self.folder, withIntermediateDirectories: true)
        self.port = try Self.freePort()
        self.leaseMilliseconds = leaseMilliseconds
        self.client = FailoverHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: self.port))
        let configuration = """
            { "listen": {"host": "127.0.0.1", "port": \(self.port)},
              "stateFile": "\(self.statePath)",
              "nodes": [ {"name": "site_a", "agent": "http://127.0.0.1:1",
                          "postgres": {"host": "127.0.0.1", "port": 55401}},
                         {"name": "site_b", "agent": "http://127.0.0.1:2",
                          "postgres": {"host": "127.0.0.1", "port": 55402}} ],
              "leaseMilliseconds": \(leaseMilliseconds), "renewMilliseconds": 100,
              "degradeGraceMilliseconds": \(graceMilliseconds), "strictSynchronous": false,
              "catchUpBytes": 16777216 }
            """
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: self.configPath))
    }

    deinit {
        if let process = self.process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// The executable built next to this test bundle.
    static func executable() throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("portal-coordinator")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw Failure(description: "portal-coordinator is not built next to \(bundle.path)")
    }

    /// Starts the process and waits (at most 5 s) until it answers `/v1/status`.
    func start() throws {
        let process = try self.launch()
        for _ in 0..<100 {
            if (try? self.status()) != nil { return }
            guard process.isRunning else {
                throw Failure(description: "coordinator exited: \(self.log())")
            }
            usleep(50_000)
        }
        throw Failure(description: "coordinator did not answer within 5 s: \(self.log())")
    }

    /// Starts the process with its log appended to ``logPath``.
    @discardableResult
    func launch() throws -> Process {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = ["--config", self.configPath]
        if !FileManager.default.fileExists(atPath: self.logPath) {
            _ = FileManager.default.createFile(atPath: self.logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: self.logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        return process
    }

    /// Sends `signal` and waits for the exit; returns the exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        guard let process = self.process else { return -1 }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    func log() -> String {
        (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
    }

    func stateFile() -> [UInt8]? {
        FileManager.default.contents(atPath: self.statePath).map { [UInt8]($0) }
    }

    func status() throws -> CoordinatorStatus {
        try self.client.get("/v1/status", as: CoordinatorStatus.self, timeout: .seconds(2))
    }

    func beat(_ report: AgentReport) throws -> CoordinatorReply {
        try self.client.post(
            "/v1/heartbeat", report, as: CoordinatorReply.self, timeout: .seconds(2))
    }

    /// A raw POST, for bodies no agent would send.
    func post(_ path: String, _ body: [UInt8]) throws -> FailoverHTTPClient.Response {
        try self.client.exchange(method: "POST", path: path, body: body, timeout: .seconds(5))
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Two simulated agents speaking the protocol: each `round` sends one heartbeat per
/// node, as agents do every renewal interval.
struct SimulatedPair {
    let coordinator: CoordinatorProcess
    var termA: UInt64 = 0
    var termB: UInt64 = 0

    /// One heartbeat from each node (site_a as primary, site_b as standby); nil skips one.
    mutating func round(
        primary: Bool = true, standby: Bool = true,
        row: (state: String, sync: String)? = ("streaming", "sync")
    ) throws -> (a: CoordinatorReply?, b: CoordinatorReply?) {
        var replyA: CoordinatorReply?
        var replyB: CoordinatorReply?
        if primary {
            let names = try self.coordinator.status().synchronousStandbyNames
            let reply = try self.coordinator.beat(
                Fixtures.primary(
                    Fixtures.a, term: self.termA,
                    standby: row.map { ($0.state, $0.sync, 10_000) }, names: names))
            self.termA = reply.term.value
            replyA = reply
        }
        if standby {
            let reply = try self.coordinator.beat(Fixtures.standby(Fixtures.b, term: self.termB))
            if reply.action == .none { self.termB = reply.term.value }
            replyB = reply
        }
        usleep(100_000)
        return (replyA, replyB)
    }

    /// Rounds until `done` holds for the status, at most `rounds` of them.
    mutating func until(
        rounds: Int, primary: Bool = true, standby: Bool = true,
        row: (state: String, sync: String)? = ("streaming", "sync"),
        _ done: (CoordinatorStatus) -> Bool
    ) throws -> Bool {
        for _ in 0..<rounds {
            _ = try self.round(primary: primary, standby: standby, row: row)
            if done(try self.coordinator.status()) { return true }
        }
        return false
    }
}
