import Failover
import Foundation
import HTTP
import PortalTesting
import Reactor
import Synchronization
import Telemetry

/// The test's driver of the agents: an HTTP endpoint on loopback speaking the contract's
/// heartbeat messages, whose replies the test sets (who is primary, who holds the lease,
/// which action each node gets), and which records every report. Stopping it makes the
/// coordinator really unreachable (connections refused).
final class CoordinatorDriver: Sendable {
    /// What the driver answers.
    struct Plan: Sendable {
        var term: UInt64 = 1
        var primary: String? = "site_a"
        var leaseHolder: String? = "site_a"
        var leaseMilliseconds = 2000
        var synchronousStandbyNames = ""
        /// Repeated in every reply to that node until it reports the outcome (a follow
        /// until it runs as a standby, a promotion until it runs as a primary).
        var actions: [String: Action] = [:]
    }

    struct Record: Sendable {
        var plan = Plan()
        var reports: [String: AgentReport] = [:]
        var events: [String: [String]] = [:]
    }

    let port: Int
    let record = Mutex(Record())
    private let running = Mutex<(HTTPServer, EventLoopGroup)?>(nil)

    init() throws {
        self.port = try LoopbackPort.free()
    }

    var url: String { "http://127.0.0.1:\(self.port)" }

    /// Starts answering heartbeats.
    func start() throws {
        var router = Router()
        try router.add(.post, "/v1/heartbeat") { [self] request in
            do {
                let report = try request.decodeStrictJSON(AgentReport.self)
                let reply = self.reply(to: report)
                let body = try JSONEncoder().encode(reply)
                return HTTPResponse(
                    status: .ok, headers: ["Content-Type": "application/json"], body: [UInt8](body))
            } catch let problem as Problem {
                return problem.response()
            } catch {
                return HTTPResponse(status: .internalServerError)
            }
        }
        let group = try EventLoopGroup(count: 1, name: "driver")
        let configuration = HTTPServerConfiguration(
            host: "127.0.0.1", port: self.port, compression: nil,
            shutdownGrace: .milliseconds(100), accessLogLevel: .debug)
        let server = try HTTPServer(
            configuration: configuration, group: group, responder: router,
            logger: Logger(label: "driver", level: .warning))
        try server.start()
        self.running.withLock { $0 = (server, group) }
    }

    /// Stops answering: the port refuses connections from now on.
    func stop() async {
        guard let (server, group) = self.running.withLock({ $0.take() }) else { return }
        await server.shutdown()
        group.shutdown()
    }

    /// Changes what the driver answers.
    func update(_ change: @Sendable (inout Plan) -> Void) {
        self.record.withLock { change(&$0.plan) }
    }

    func report(_ node: String) -> AgentReport? {
        self.record.withLock { $0.reports[node] }
    }

    func events(_ node: String) -> [String] {
        self.record.withLock { $0.events[node] ?? [] }
    }

    /// The reply to `report` under the current plan, recording the report.
    func reply(to report: AgentReport) -> CoordinatorReply {
        self.record.withLock { record in
            let node = report.node.rawValue
            record.reports[node] = report
            if let event = report.event {
                record.events[node, default: []].append(event)
            }
            switch record.plan.actions[node] {
            case .follow where report.role == .standby && report.postgresRunning,
                .promote where report.role == .primary && report.postgresRunning:
                record.plan.actions[node] = nil
            default: break
            }
            let plan = record.plan
            let lease =
                plan.leaseHolder == node
                ? CoordinatorReply.LeaseGrant(
                    holder: report.node, validForMilliseconds: plan.leaseMilliseconds) : nil
            return CoordinatorReply(
                term: Term(plan.term), primary: plan.primary.flatMap { try? NodeName($0) },
                lease: lease, action: plan.actions[node] ?? .none,
                synchronousStandbyNames: plan.synchronousStandbyNames)
        }
    }

    /// Waits until `node`'s latest report satisfies `condition`; throws after `timeout`
    /// naming `what` and the last report.
    @discardableResult
    func waitFor(
        _ node: String, _ what: String, timeout: Duration = .seconds(30),
        _ condition: @Sendable (AgentReport) -> Bool
    ) async throws -> AgentReport {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let report = self.report(node), condition(report) {
                return report
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw DriverError(
            "\(node) never reported \(what) within \(timeout); last: "
                + String(describing: self.report(node)))
    }
}

/// A test expectation about the agents that did not come true.
struct DriverError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
