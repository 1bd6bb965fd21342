import Failover
import Foundation
import HTTP

/// The coordinator's HTTP endpoints: heartbeats from agents, status and metrics for
/// operators, and the switchover and forced failover requests.
struct CoordinatorRoutes: Sendable {
    let coordinator: Coordinator
    let metrics: CoordinatorMetrics
    /// How long a switchover or forced failover request waits for the new primary.
    let changeTimeout: Duration

    /// A router with every endpoint.
    func router() throws(RouterError) -> Router {
        var router = Router()
        try router.add(.post, "/v1/heartbeat") { request in self.heartbeat(request) }
        try router.add(.get, "/v1/status") { _ in
            Self.json(self.coordinator.snapshot.status(at: .now()))
        }
        try router.add(.get, "/metrics") { _ in
            HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                body: self.metrics.render(self.coordinator.snapshot, at: .now()))
        }
        try router.add(.post, "/v1/switchover") { request in await self.switchover(request) }
        try router.add(.post, "/v1/failover") { request in await self.failover(request) }
        return router
    }

    private func heartbeat(_ request: HTTPRequest) -> HTTPResponse {
        do {
            let report = try StrictJSON.decode(
                AgentReport.self, from: Data(request.body), what: "heartbeat",
                code: .invalidMessage)
            return Self.json(try self.coordinator.heartbeat(report, at: .now()))
        } catch {
            return Self.problem(error)
        }
    }

    private func switchover(_ request: HTTPRequest) async -> HTTPResponse {
        do {
            let body = request.body.isEmpty ? Array("{}".utf8) : request.body
            let asked = try StrictJSON.decode(
                SwitchoverRequest.self, from: Data(body), what: "switchover request",
                code: .invalidMessage)
            let term = try self.coordinator.beginSwitchover(to: asked.to, at: .now())
            return await self.waitForChange(since: term, what: "switchover")
        } catch {
            return Self.problem(error)
        }
    }

    private func failover(_ request: HTTPRequest) async -> HTTPResponse {
        do {
            let asked = try StrictJSON.decode(
                FailoverRequest.self, from: Data(request.body), what: "failover request",
                code: .invalidMessage)
            let term = try self.coordinator.forceFailover(asked, at: .now())
            return await self.waitForChange(since: term, what: "forced failover")
        } catch {
            return Self.problem(error)
        }
    }

    /// Polls every 20 ms, up to ``changeTimeout``, for the change begun in `term`.
    private func waitForChange(since term: Term, what: String) async -> HTTPResponse {
        let deadline = ContinuousClock.now + self.changeTimeout
        while ContinuousClock.now < deadline {
            switch self.coordinator.progress(since: term) {
            case .done(let change):
                return Self.json(
                    PrimaryChangeReply(
                        term: change.term, primary: change.primary,
                        blockedMilliseconds: change.blockedMilliseconds))
            case .abandoned(let reason):
                return Problem.conflict("\(what) given up: \(reason)").response()
            case .pending:
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        return Problem(
            status: .gatewayTimeout,
            detail: "\(what) did not complete within \(self.changeTimeout); it may still "
                + "complete, see /v1/status"
        ).response()
    }

    static func json<Value: Encodable>(_ value: Value) -> HTTPResponse {
        HTTPResponse(
            status: .ok, headers: ["Content-Type": "application/json"],
            body: [UInt8](StrictJSON.encode(value)))
    }

    /// The problem answer for a failover error: 400 for a bad message, 404 for an unknown
    /// node, 409 for a refusal, 503 when the state file could not be written.
    static func problem(_ error: any Error) -> HTTPResponse {
        guard let error = error as? FailoverError else {
            return Problem.badRequest("\(error)").response()
        }
        switch error.code {
        case .invalidMessage, .invalidValue, .invalidConfiguration:
            return Problem.badRequest(error.message).response()
        case .unknownNode:
            return Problem.notFound(error.message).response()
        case .refused:
            return Problem.conflict(error.message).response()
        case .stateFile:
            return Problem(status: .serviceUnavailable, detail: error.message).response()
        }
    }
}
