import Testing

@testable import HTTP

/// Smuggling shapes and size limits, over real sockets: each is refused with its status
/// and the connection is closed.
@Suite(.serialized) struct ServerRefusalTests {
    static let smuggling: [String] = [
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4, 4\r\n\r\nabcd",
        "GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  folded\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nq\r\nabc\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nBad[Name]: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\u{0}b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n",
        "GET / HTTP/1.1\nHost: t\n\n",
        "G(T / HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET nopath HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET / HTTQ/1.1\r\nHost: t\r\n\r\n",
        "GET /  HTTP/1.1\r\nHost: t\r\n\r\n",
    ]

    @Test(arguments: ServerRefusalTests.smuggling)
    func smugglingShapesAreRefusedAndClosed(_ request: String) async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(request + "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        let closed = client.isClosedByServer()
        await server.stop()

        #expect(response.statusCode == 400, "\(request.debugDescription)")
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Connection") == "close")
        #expect(closed, "the connection must close after \(request.debugDescription)")
    }

    @Test func unsupportedVersionIs505() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET / HTTP/2.0\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        let closed = client.isClosedByServer()
        await server.stop()

        #expect(response.statusCode == 505 && closed)
    }

    static let limited: [(String, Int)] = [
        ("GET /" + String(repeating: "p", count: 300) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        (
            "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "v", count: 600)
                + "\r\n\r\n", 431
        ),
        ("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<8).map { "X-\($0): 1\r\n" }.joined() + "\r\n", 431),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 65\r\n\r\n", 413),
        (
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "20\r\n\(String(repeating: "a", count: 32))\r\n21\r\n", 413
        ),
    ]

    @Test(arguments: ServerRefusalTests.limited)
    func limitsAnswerTheirStatusAndClose(_ request: String, status: Int) async throws {
        var configuration = TestServer.configuration()
        configuration.limits = .init(
            requestLineBytes: 256, headerBytes: 512, headerCount: 6, bodyBytes: 64)
        let server = try TestServer(configuration)
        let client = try RawClient(port: server.port)
        try client.send(request)
        let response = try client.readResponse()
        let closed = client.isClosedByServer()
        await server.stop()

        #expect(response.statusCode == status)
        #expect(closed)
    }

    @Test func bodiesWithinTheLimitPass() async throws {
        var configuration = TestServer.configuration()
        configuration.limits.bodyBytes = 64
        let server = try TestServer(configuration)
        let client = try RawClient(port: server.port)
        let body = String(repeating: "b", count: 64)
        try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 64\r\n\r\n\(body)")
        let response = try client.readResponse()
        await server.stop()

        #expect(response.statusCode == 200 && response.text == body)
    }
}
