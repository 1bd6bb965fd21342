import Testing

@testable import HTTP

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Timeouts and the connection limit, over real sockets. The test server's timeouts are a
/// few hundred milliseconds.
@Suite(.serialized) struct ServerLimitsTests {
    @Test func slowHeadIsAnsweredWith408AndClosed() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n")
        try await Task.sleep(for: .milliseconds(150))
        try client.send("X-Drip: 1\r\n")
        let response = try client.readResponse()
        let closed = client.isClosedByServer()
        await server.stop()

        #expect(response.statusCode == 408)
        #expect(closed)
    }

    @Test func silentConnectionIsClosedAfterTheHeaderTimeout() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let start = ContinuousClock.now
        let closed = client.isClosedByServer()
        let waited = ContinuousClock.now - start
        await server.stop()

        #expect(closed)
        #expect(waited >= .milliseconds(250) && waited < .seconds(2))
    }

    @Test func slowBodyIsAnsweredWith408AndClosed() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
        let response = try client.readResponse()
        let closed = client.isClosedByServer()
        await server.stop()

        #expect(response.statusCode == 408)
        #expect(closed)
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try client.readResponse()
        let start = ContinuousClock.now
        let closed = client.isClosedByServer()
        let waited = ContinuousClock.now - start
        await server.stop()

        #expect(closed)
        #expect(waited >= .milliseconds(350) && waited < .seconds(2))
    }

    @Test func connectionsBeyondTheLimitGetA503AndAreClosed() async throws {
        var configuration = TestServer.configuration()
        configuration.maxConnections = 2
        configuration.timeouts.idle = .seconds(5)
        let server = try TestServer(configuration)

        let first = try RawClient(port: server.port)
        let second = try RawClient(port: server.port)
        for client in [first, second] {
            try client.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().statusCode == 200)
        }

        let third = try RawClient(port: server.port)
        try third.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
        let refused = try third.readResponse()
        let closed = third.isClosedByServer()
        #expect(server.server.openConnections == 2)
        await server.stop()

        #expect(refused.statusCode == 503)
        #expect(refused.header("Connection") == "close")
        #expect(closed)
    }

    @Test func gzipIsNegotiated() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /big HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br, gzip\r\n\r\n")
        let zipped = try client.readResponse()
        try client.send("GET /big HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip;q=0\r\n\r\n")
        let refused = try client.readResponse()
        try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        let plain = try client.readResponse()
        try client.send("GET /small HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n")
        let small = try client.readResponse()
        await server.stop()

        #expect(zipped.header("Content-Encoding") == "gzip")
        #expect(zipped.header("Vary") == "Accept-Encoding")
        #expect(Array(zipped.body.prefix(2)) == [0x1F, 0x8B])
        #expect(zipped.body.count < 4096)
        #expect(refused.header("Content-Encoding") == nil && refused.body.count == 4096)
        #expect(
            plain.header("Content-Encoding") == nil && plain.header("Vary") == "Accept-Encoding")
        #expect(small.header("Content-Encoding") == nil && small.header("Vary") == nil)
    }
}

/// The other accepting mode (the suites above use the default, `.distributed`): a listener
/// per loop with `SO_REUSEPORT`, with the same limits.
@Suite(.serialized) struct PerLoopAcceptingTests {
    @Test func connectionsAreServedAndLimitedAcrossLoops() async throws {
        var configuration = TestServer.configuration()
        configuration.accepting = .perLoop
        configuration.maxConnections = 4
        configuration.timeouts.idle = .seconds(5)
        let server = try TestServer(configuration, loops: 2)

        let clients = try (0..<4).map { _ in try RawClient(port: server.port) }
        for (index, client) in clients.enumerated() {
            try client.send("GET /c/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "GET /c/\(index)")
        }
        let extra = try RawClient(port: server.port)
        try extra.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        let refused = try extra.readResponse()
        await server.stop()

        #expect(refused.statusCode == 503)
        #expect(server.server.openConnections == 0)
    }
}
