import Reactor
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
        if request.path == Self.readinessPath && (request.method == .get || request.method == .head) {
            return self.readinessResponse(ready: await self.checkReadiness())
        }
        return await self.responder.respond(to: request)
    }

    /// Runs the probe, giving up with "not ready" after `readinessDeadline`.
    func checkReadiness() async -> Bool {
        guard let probe = self.readiness, !self.isShuttingDown else { return !self.isShuttingDown }

        let deadline = self.configuration.readinessDeadline
        let ready = await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await probe() }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? false
        }
        return ready && !self.isShuttingDown
    }

    private func readinessResponse(ready: Bool) -> HTTPResponse {
        HTTPResponse(
            status: ready ? .ok : .serviceUnavailable,
            headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
            body: Array((ready ? "ready" : "not ready").utf8), route: Self.readinessPath)
    }

    /// Gzips the body when the client accepts it, the body is big enough and its type is
    /// not compressed already; says `Vary: Accept-Encoding` whenever the choice was open.
    func compressIfWanted(_ response: HTTPResponse, exchange: Exchange) -> HTTPResponse {
        let compression = self.configuration.compression
        guard let gzip = compression.gzip, response.body.count >= compression.minimumBytes,
            !response.status.forbidsBody, !response.headers.contains("Content-Encoding"),
            ContentCoding.isCompressible(response.headers)
        else { return response }

        var response = response
        if !response.headers.hasToken("Accept-Encoding", in: "Vary") {
            response.headers.add("Vary", "Accept-Encoding")
        }
        guard exchange.acceptsGzip, let compressed = gzip(response.body) else { return response }

        response.body = compressed
        response.headers.add("Content-Encoding", "gzip")
        return response
    }
}
