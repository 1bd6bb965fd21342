import Synchronization
import Telemetry
import Testing

@testable import HTTP

/// Readiness, metrics, the access log and graceful shutdown, over real sockets.
@Suite(.serialized) struct ServerOperationsTests {
    @Test func readinessFollowsTheProbeAndItsDeadline() async throws {
        let answer = Atomic<Int>(0)
        let server = try TestServer(readiness: {
            switch answer.load(ordering: .relaxed) {
            case 0: return true
            case 1: return false
            default:
                try? await Task.sleep(for: .seconds(1))
                return true
            }
        })
        var codes: [Int] = []
        for mode in 0..<3 {
            // A connection each: the test server's short idle timeout may end a kept-alive
            // one between requests on a busy machine.
            let client = try RawClient(port: server.port)
            answer.store(mode, ordering: .relaxed)
            try client.send("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n")
            codes.append(try client.readResponse().statusCode)
        }
        await server.stop()

        #expect(codes == [200, 503, 503])
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        let server = try TestServer(metrics: Metrics())
        let client = try RawClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try client.readResponse()
        try client.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try client.readResponse()
        try client.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
        let metrics = try client.readResponse()
        await server.stop()

        #expect(metrics.statusCode == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        let text = metrics.text
        #expect(text.contains("http_requests_total{route=\"/healthz\",status=\"200\"} 1"))
        #expect(text.contains("http_requests_total{route=\"/echo\",status=\"200\"} 1"))
        #expect(text.contains("http_request_duration_seconds_bucket{route=\"/echo\""))
        #expect(text.contains("http_requests_in_flight"))
        #expect(text.contains("http_open_connections 1"))
    }

    @Test func accessLogHasOneLinePerRequest() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nX-Request-ID: log-1\r\nContent-Length: 3\r\n\r\nabc")
        _ = try client.readResponse()
        await server.stop()

        let lines = server.lines.all.filter { $0.contains("\"msg\":\"request\"") }
        try #require(lines.count == 1)
        let line = lines[0]
        for part in [
            "\"level\":\"info\"", "\"request.id\":\"log-1\"", "\"http.method\":\"POST\"",
            "\"http.route\":\"/echo\"", "\"http.status\":200", "\"http.duration_us\":",
            "\"net.peer\":\"127.0.0.1:", "\"time\":",
        ] {
            #expect(line.contains(part), "\(part) missing from \(line)")
        }
    }

    @Test func shutdownFinishesInFlightRequestsAndRefusesNewOnes() async throws {
        var configuration = TestServer.configuration()
        configuration.timeouts.header = .seconds(5)
        let server = try TestServer(configuration, readiness: { true })
        let busy = try RawClient(port: server.port)
        try busy.send("GET /sleep/400 HTTP/1.1\r\nHost: t\r\n\r\n")
        let idle = try RawClient(port: server.port)
        try idle.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try idle.readResponse()
        let halfway = try RawClient(port: server.port)
        try halfway.send("GET /readyz HTTP/1.1\r\n")
        try await Task.sleep(for: .milliseconds(50))

        let port = server.port
        let stopping = Task { await server.stop() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(server.server.isShuttingDown)
        #expect(throws: (any Error).self) { try RawClient(port: port) }
        #expect(idle.isClosedByServer(), "an idle connection closes at once")

        try halfway.send("Host: t\r\n\r\n")
        let readiness = try halfway.readResponse()
        let inFlight = try busy.readResponse()
        let busyClosed = busy.isClosedByServer()
        await stopping.value

        #expect(readiness.statusCode == 503, "\(readiness.head)")
        #expect(readiness.header("Connection") == "close")
        #expect(inFlight.statusCode == 200 && inFlight.text == "slept 400")
        #expect(inFlight.header("Connection") == "close")
        #expect(busyClosed)
        #expect(server.server.openConnections == 0)
    }
}

/// A handler's own log lines carry the request's id.
@Suite struct RequestLoggerTests {
    @Test func handlerLogLinesCarryTheRequestID() async throws {
        let server = try TestServer(
            responder: ClosureResponder { request in
                request.logger.debug("handler ran", [("referral.count", 1)])
                return HTTPResponse.text("logged")
            })
        let client = try RawClient(port: server.port)
        try client.send("GET /x HTTP/1.1\r\nHost: t\r\nX-Request-ID: handler-7\r\n\r\n")
        _ = try client.readResponse()
        await server.stop()

        let line = server.lines.all.first { $0.contains("\"msg\":\"handler ran\"") }
        #expect(line?.contains("\"request.id\":\"handler-7\"") == true)
    }
}
