import Foundation
import HTTP
import Reactor
import Telemetry
import Testing

@testable import Failover

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The failover HTTP client against the project's real HTTP server and against sockets
/// that refuse or never answer.
@Suite(.serialized) struct HTTPClientTests {
    private struct Echo: Codable, Equatable {
        var node: String
        var count: Int
    }

    private func withServer(_ body: (Int) throws -> Void) async throws {
        var router = Router()
        try router.add(.post, "/v1/echo") { request in
            guard let echo = try? JSONDecoder().decode(Echo.self, from: Data(request.body)) else {
                return Problem.badRequest("body is not an echo").response()
            }
            let answer = Echo(node: echo.node, count: echo.count + 1)
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "application/json"],
                body: [UInt8](StrictJSON.encode(answer)))
        }
        try router.add(.get, "/v1/text") { _ in HTTPResponse.text("plain") }
        let group = try EventLoopGroup(count: 1, name: "client-test")
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
            group: group, responder: router,
            logger: Logger(label: "test", level: .error, sink: LogSink { _ in }))
        try server.start()
        do {
            try body(server.port)
        } catch {
            await server.shutdown()
            group.shutdown()
            throw error
        }
        await server.shutdown()
        group.shutdown()
    }

    @Test func postsAndDecodesJSON() async throws {
        try await self.withServer { port in
            let client = try FailoverHTTPClient(url: "http://127.0.0.1:\(port)")
            let answer = try client.post(
                "/v1/echo", Echo(node: "site_a", count: 1), as: Echo.self, timeout: .seconds(2))
            #expect(answer == Echo(node: "site_a", count: 2))
        }
    }

    @Test func problemAnswersBecomeStatusErrorsWithTheirDetail() async throws {
        try await self.withServer { port in
            let client = FailoverHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
            let bad = #expect(throws: FailoverHTTPError.self) {
                try client.post("/v1/echo", ["x": 1], as: Echo.self, timeout: .seconds(2))
            }
            #expect(bad?.code == .status)
            #expect(bad?.status == 400)
            #expect(bad?.detail == "body is not an echo")

            let missing = #expect(throws: FailoverHTTPError.self) {
                try client.get("/v1/nothing", as: Echo.self, timeout: .seconds(2))
            }
            #expect(missing?.status == 404)

            let notJSON = #expect(throws: FailoverHTTPError.self) {
                try client.get("/v1/text", as: Echo.self, timeout: .seconds(2))
            }
            #expect(notJSON?.code == .decoding)
        }
    }

    @Test func refusedConnectionIsAConnectError() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        let port = try Self.bind(fd)
        let client = FailoverHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
        let error = #expect(throws: FailoverHTTPError.self) {
            try client.get("/v1/status", as: Echo.self, timeout: .seconds(2))
        }
        #expect(error?.code == .connect)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
    }

    @Test func silentServerTimesOutAtTheDeadline() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        let port = try Self.bind(fd)
        #expect(listen(fd, 4) == 0)
        let client = FailoverHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
        let start = ContinuousClock.now
        let error = #expect(throws: FailoverHTTPError.self) {
            try client.get("/v1/status", as: Echo.self, timeout: .milliseconds(300))
        }
        let waited = ContinuousClock.now - start
        #expect(error?.code == .timedOut)
        #expect(waited >= .milliseconds(250) && waited < .seconds(2))
    }

    @Test func badURLsAreRefused() {
        for bad in ["https://127.0.0.1:1", "http://127.0.0.1", "http://:80", "http://h:0", "x"] {
            #expect(throws: FailoverHTTPError.self, "\(bad)") {
                try FailoverHTTPClient(url: bad)
            }
        }
        #expect(throws: Never.self) { try HTTPEndpoint(parsing: "http://127.0.0.1:55410/") }
    }

    private static func bind(_ fd: Int32) throws -> Int {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(bound == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
