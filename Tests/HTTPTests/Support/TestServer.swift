import Reactor
import Synchronization
import Telemetry

@testable import HTTP

/// A server on a free loopback port with short timeouts, its loops, and the log lines it
/// wrote.
final class TestServer: Sendable {
    let server: HTTPServer
    let group: EventLoopGroup
    let lines: LogLines

    var port: Int { self.server.port }

    /// Timeouts short enough for a fast suite.
    static func configuration() -> HTTPServerConfiguration {
        HTTPServerConfiguration(
            host: "127.0.0.1", port: 0,
            timeouts: .init(
                header: .milliseconds(300), body: .milliseconds(300), idle: .milliseconds(400),
                linger: .milliseconds(200)),
            shutdownGrace: .seconds(3), readinessDeadline: .milliseconds(200), accessLogLevel: .info
        )
    }

    init(
        _ configuration: HTTPServerConfiguration = TestServer.configuration(),
        loops: Int = 2,
        metrics: Metrics? = nil,
        readiness: ReadinessProbe? = nil,
        responder: any HTTPResponder = EchoResponder()
    ) throws {
        let lines = LogLines()
        self.lines = lines
        self.group = try EventLoopGroup(count: loops, name: "test-http")
        let logger = Logger(label: "http", level: .debug, sink: LogSink { lines.append($0) })
        self.server = try HTTPServer(
            configuration: configuration, group: self.group, responder: responder, logger: logger,
            metrics: metrics, readiness: readiness)
        try self.server.start()
    }

    func stop() async {
        await self.server.shutdown()
        self.group.shutdown()
    }
}

/// Log lines captured from a logger's sink.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: [UInt8]) {
        self.lines.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
    }

    var all: [String] { self.lines.withLock { $0 } }
}

/// Answers `/echo` with the request body, `/sleep/<ms>` after sleeping that long, and
/// anything else with the method and path.
struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        if request.path == "/echo" {
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "application/octet-stream"],
                body: request.body, route: "/echo")
        }
        if request.path.hasPrefix("/sleep/"), let milliseconds = Int(request.path.dropFirst(7)) {
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return HTTPResponse.text("slept \(milliseconds)")
        }
        if request.path == "/not-modified" {
            return HTTPResponse(status: .notModified, headers: ["ETag": "\"v1\""])
        }
        if request.path == "/big" {
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/plain"],
                body: Array(repeating: UInt8(ascii: "a"), count: 4096))
        }
        return HTTPResponse.text("\(request.method) \(request.path)")
    }
}
