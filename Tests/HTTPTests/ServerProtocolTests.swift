import Testing

@testable import HTTP

/// Keep-alive, close, HTTP/1.0, HEAD, pipelining and bodies, over real sockets.
@Suite(.serialized) struct ServerProtocolTests {
    @Test func healthzAnswersWithDateAndGeneratedRequestID() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        await server.stop()

        #expect(response.statusCode == 200)
        #expect(response.text == "ok")
        #expect(response.header("Content-Length") == "2")
        let date = try #require(response.header("Date"))
        #expect(date.hasSuffix(" GMT") && date.count == 29, "IMF-fixdate: \(date)")
        let id = try #require(response.header("X-Request-ID"))
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
    }

    @Test func requestIDIsEchoedWhenWellFormedAndReplacedOtherwise() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /a HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc.DEF_1:2-3\r\n\r\n")
        let echoed = try client.readResponse()
        try client.send("GET /a HTTP/1.1\r\nHost: t\r\nX-Request-ID: bad id<script>\r\n\r\n")
        let replaced = try client.readResponse()
        let tooLong = String(repeating: "a", count: 129)
        try client.send("GET /a HTTP/1.1\r\nHost: t\r\nX-Request-ID: \(tooLong)\r\n\r\n")
        let replacedLong = try client.readResponse()
        await server.stop()

        #expect(echoed.header("X-Request-ID") == "abc.DEF_1:2-3")
        #expect(replaced.header("X-Request-ID")?.count == 32)
        #expect(replacedLong.header("X-Request-ID")?.count == 32)
        let logged = server.lines.all.filter { $0.contains("\"msg\":\"request\"") }
        #expect(logged.contains { $0.contains("\"request.id\":\"abc.DEF_1:2-3\"") })
    }

    @Test func keepAliveServesManyThenCloseEnds() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        for index in 0..<3 {
            try client.send("GET /n/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "GET /n/\(index)")
            #expect(response.header("Connection") == nil)
        }
        try client.send("GET /last HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let last = try client.readResponse()
        let closed = client.isClosedByServer()
        await server.stop()

        #expect(last.header("Connection") == "close")
        #expect(closed)
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        let server = try TestServer()
        let plain = try RawClient(port: server.port)
        try plain.send("GET /x HTTP/1.0\r\n\r\n")
        let first = try plain.readResponse()
        let plainClosed = plain.isClosedByServer()

        let kept = try RawClient(port: server.port)
        try kept.send("GET /y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let second = try kept.readResponse()
        try kept.send("GET /z HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let third = try kept.readResponse()
        await server.stop()

        #expect(first.statusCode == 200 && first.header("Connection") == "close" && plainClosed)
        #expect(second.header("Connection") == "keep-alive")
        #expect(third.text == "GET /z")
    }

    @Test func headSendsTheSameHeadersWithoutABody() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        let get = try client.readResponse()
        try client.send(
            "HEAD /big HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try client.readResponse(bodyless: true)
        let after = try client.readResponse()
        await server.stop()

        #expect(get.body.count == 4096)
        #expect(head.statusCode == 200 && head.header("Content-Length") == "4096")
        #expect(head.header("Content-Type") == get.header("Content-Type"))
        #expect(after.text == "GET /after", "a HEAD body would have been read as this response")
    }

    @Test func pipelinedResponsesKeepRequestOrder() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(
            "GET /sleep/200 HTTP/1.1\r\nHost: t\r\n\r\nGET /sleep/1 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /sleep/50 HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        let texts = try (0..<4).map { _ in try client.readResponse().text }
        await server.stop()

        #expect(texts == ["slept 200", "slept 1", "ok", "slept 50"])
    }

    @Test func bodiesByLengthAndByChunksReachTheHandler() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
        let fixed = try client.readResponse()
        try client.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nwire\r\n6;x=y\r\n chunk\r\n0\r\nChecksum: 1\r\n\r\n")
        let chunked = try client.readResponse()
        await server.stop()

        #expect(fixed.text == "hello")
        #expect(chunked.text == "wire chunk")
    }

    @Test func continueIsSentOnlyForAWantedBody() async throws {
        var configuration = TestServer.configuration()
        configuration.limits.bodyBytes = 16
        let server = try TestServer(configuration)

        let wanted = try RawClient(port: server.port)
        try wanted.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        let interim = try wanted.readResponse()
        try wanted.send("data")
        let final = try wanted.readResponse()

        let tooBig = try RawClient(port: server.port)
        try tooBig.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n")
        let refused = try tooBig.readResponse()
        let tooBigClosed = tooBig.isClosedByServer()

        let odd = try RawClient(port: server.port)
        try odd.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\nContent-Length: 4\r\n\r\n")
        let expectationFailed = try odd.readResponse()
        await server.stop()

        #expect(interim.statusCode == 100)
        #expect(final.statusCode == 200 && final.text == "data")
        #expect(refused.statusCode == 413 && tooBigClosed)
        #expect(expectationFailed.statusCode == 417)
    }

    @Test func notModifiedHasNoLengthAndKeepsTheConnectionInStep() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(
            "GET /not-modified HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        let notModified = try client.readResponse(bodyless: true)
        let after = try client.readResponse()
        await server.stop()

        #expect(notModified.statusCode == 304)
        #expect(notModified.header("Content-Length") == nil)
        #expect(notModified.header("ETag") == "\"v1\"")
        #expect(after.text == "GET /after")
    }

    @Test func manyPipelinedRequestsAreAllAnsweredInOrder() async throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let count = 200
        try client.send((0..<count).map { "GET /p/\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
        let texts = try (0..<count).map { _ in try client.readResponse().text }
        await server.stop()

        #expect(texts == (0..<count).map { "GET /p/\($0)" })
    }
}
