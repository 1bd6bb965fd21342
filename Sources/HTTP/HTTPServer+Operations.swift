import Reactor
import Synchronization
import Telemetry

/// The endpoints the server answers itself, for the load balancer and for Prometheus.
extension HTTPServer {
    static let healthPath = "/healthz"
    static let readinessPath = "/readyz"
    static let metricsPath = "/metrics"

    /// Answers `/healthz` and `/metrics` at once, on the loop, without starting a task;
    /// nil for every other request.
    func immediateResponse(to request: HTTPRequest) -> HTTPResponse? {
        guard request.method == .get || request.method == .head else { return nil }

        switch request.path {
        case Self.healthPath:
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"],
                body: Array("ok".utf8), route: Self.healthPath)
        case Self.metricsPath:
            guard let metrics = self.metrics else { return nil }
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": Metrics.contentType],
                body: metrics.registry.render(), route: Self.metricsPath)
        case Self.readinessPath where self.isShuttingDown || self.readiness == nil:
            return self.readinessResponse(ready: !self.isShuttingDown)
        default:
            return nil
        }
    }

    /// Answers a request that needs awaiting: `/readyz` with a probe, or the responder's.
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        let readable = request.method == .get || request.method == .head
        if request.path == Self.readinessPath && readable {
            return self.readinessResponse(ready: await self.checkReadiness())
        }
        return await self.responder.respond(to: request)
    }

    /// Runs the probe, giving up with "not ready" after `readinessDeadline`. The probe is
    /// not awaited past the deadline: a check stuck on an unresponsive database must not
    /// hold the balancer's health check open.
    func checkReadiness() async -> Bool {
        guard let probe = self.readiness, !self.isShuttingDown else { return !self.isShuttingDown }

        let deadline = self.configuration.readinessDeadline
        let ready = await withCheckedContinuation {
            (continuation: CheckedContinuation<Bool, Never>) in
            let answer = FirstAnswer(continuation)
            Task { answer.give(await probe()) }
            Task {
                try? await Task.sleep(for: deadline)
                answer.give(false)
            }
        }
        return ready && !self.isShuttingDown
    }

    private func readinessResponse(ready: Bool) -> HTTPResponse {
        HTTPResponse(
            status: ready ? .ok : .serviceUnavailable,
            headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
            body: Array((ready ? "ready" : "not ready").utf8), route: Self.readinessPath)
    }

    /// Gzips the body when the client accepts it and the policy finds it worth it; says
    /// `Vary: Accept-Encoding` whenever the choice was open.
    ///
    /// Known shortcoming: compression runs on the connection's loop, so a large body (a
    /// megabyte takes some milliseconds) delays the other connections of that loop.
    func compressIfWanted(_ response: HTTPResponse, exchange: Exchange) -> HTTPResponse {
        guard let gzip = self.gzip else { return response }
        var response = response
        gzip.compress(&response, acceptEncoding: exchange.acceptEncoding)
        return response
    }
}

/// Resumes a continuation with the first answer given and ignores the rest.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation = Mutex(continuation)
    }

    func give(_ answer: Bool) {
        let waiting = self.continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }
        waiting?.resume(returning: answer)
    }
}
