import Testing

@testable import HTTP

/// Feeds `text` to a fresh parser, in one piece or byte by byte, and collects its steps.
private func parse(
    _ text: String, limits: RequestParser.Limits = .init(), byteByByte: Bool = false
) -> [RequestParser.Step] {
    var parser = RequestParser(limits: limits)
    var steps: [RequestParser.Step] = []
    let pieces: [[UInt8]] = byteByByte ? text.utf8.map { [$0] } : [Array(text.utf8)]
    for piece in pieces {
        parser.append(piece)
        loop: while true {
            let step = parser.next()
            switch step {
            case .needMore: break loop
            case .failure: return steps + [step]
            default: steps.append(step)
            }
        }
    }
    return steps
}

private func requests(_ steps: [RequestParser.Step]) -> [ParsedRequest] {
    steps.compactMap { if case .request(let request) = $0 { request } else { nil } }
}

private func failure(_ steps: [RequestParser.Step]) -> HTTPParseError? {
    if case .failure(let error) = steps.last { return error }
    return nil
}

@Suite struct RequestParserTests {
    @Test(arguments: [false, true])
    func parsesPipelinedRequestsWholeOrByteByByte(byteByByte: Bool) throws {
        let text =
            "GET /a?x=1 HTTP/1.1\r\nHost: h\r\nX-Y:  v  \r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
            + "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer-A: 1\r\n\r\n"
            + "GET / HTTP/1.0\r\n\r\n"
        let parsed = requests(parse(text, byteByByte: byteByByte))

        try #require(parsed.count == 4)
        #expect(
            parsed[0].head.method == .get && parsed[0].head.path == "/a"
                && parsed[0].head.query == "x=1")
        #expect(parsed[0].head.headers["x-y"] == "v")
        #expect(parsed[0].head.keepAlive)
        #expect(parsed[1].body == Array("abc".utf8))
        #expect(parsed[2].body == Array("abcde".utf8))
        #expect(parsed[2].head.headers["Trailer-A"] == nil)
        #expect(parsed[3].head.version == .http1_0 && !parsed[3].head.keepAlive)
    }

    @Test func connectionTokensDecideKeepAlive() throws {
        let parsed = requests(
            parse(
                "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                    + "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
        try #require(parsed.count == 2)
        #expect(!parsed[0].head.keepAlive)
        #expect(parsed[1].head.keepAlive)
    }

    @Test func absoluteFormAndAsterisk() throws {
        let parsed = requests(
            parse(
                "GET http://example.org/p?q HTTP/1.1\r\nHost: example.org\r\n\r\n"
                    + "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"))
        try #require(parsed.count == 2)
        #expect(parsed[0].head.path == "/p" && parsed[0].head.query == "q")
        #expect(parsed[1].head.path == "*")
    }

    @Test func continueIsAskedOnlyForAnAcceptableBody() {
        let limits = RequestParser.Limits(bodyBytes: 10)
        let wanted = parse(
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
            limits: limits)
        guard case .sendContinue = wanted.first else {
            Issue.record("expected sendContinue, got \(wanted)")
            return
        }

        let tooBig = parse(
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n",
            limits: limits)
        #expect(failure(tooBig)?.status == .contentTooLarge)

        let other = parse(
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\nContent-Length: 1\r\n\r\n")
        #expect(failure(other)?.status == .expectationFailed)
    }

    static let refused: [(String, HTTPParseError.Code, Int)] = [
        (
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            .conflictingFraming, 400
        ),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            .invalidContentLength, 400
        ),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\n", .invalidContentLength, 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n", .invalidContentLength, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", .obsoleteLineFolding, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX : a\r\n\r\n", .whitespaceBeforeColon, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX(y): a\r\n\r\n", .invalidHeaderName, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", .invalidHeaderValue, 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", .invalidHeaderValue, 400),
        ("GET / HTTP/1.1\nHost: h\r\n\r\n", .bareLineFeed, 400),
        ("GET / HTTP/1.1\r\nHost: h\n\r\n", .bareLineFeed, 400),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            .unsupportedTransferEncoding, 400
        ),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            .unsupportedTransferEncoding, 400
        ),
        (
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding,
            400
        ),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunk,
            400
        ),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
            .invalidChunk, 400
        ),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
            .invalidChunk, 400
        ),
        (
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n",
            .invalidChunk, 400
        ),
        ("G@T / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod, 400),
        ("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidVersion, 400),
        ("GET a HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget, 400),
        ("GET /\u{7f} HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget, 400),
        ("GET / HTTP/1.1x\r\nHost: h\r\n\r\n", .invalidVersion, 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion, 505),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost, 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .duplicateHost, 400),
    ]

    @Test(arguments: RequestParserTests.refused)
    func refusesSmugglingShapes(text: String, code: HTTPParseError.Code, status: Int) {
        let error = failure(parse(text))
        #expect(error?.code == code, "\(text.debugDescription)")
        #expect(error?.status.code == status)
    }

    @Test func limits() {
        let limits = RequestParser.Limits(
            requestLineBytes: 64, headerBytes: 128, headerCount: 3, bodyBytes: 8)
        let longLine = "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\n"
        #expect(failure(parse(longLine, limits: limits))?.status == .uriTooLong)
        #expect(failure(parse(String(longLine.dropLast(2)), limits: limits))?.status == .uriTooLong)

        let bigHeader = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "v", count: 200)
        #expect(failure(parse(bigHeader, limits: limits))?.status == .requestHeaderFieldsTooLarge)

        let many = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(failure(parse(many, limits: limits))?.code == .tooManyHeaders)

        let bigBody = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n"
        #expect(failure(parse(bigBody, limits: limits))?.status == .contentTooLarge)

        let bigChunks =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\naaaaa\r\n4\r\n"
        #expect(failure(parse(bigChunks, limits: limits))?.status == .contentTooLarge)
    }

    @Test func phaseFollowsTheRequest() {
        var parser = RequestParser()
        #expect(parser.phase == .idle)
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\n".utf8))
        _ = parser.next()
        #expect(parser.phase == .head)
        parser.append(Array("Content-Length: 2\r\n\r\na".utf8))
        _ = parser.next()
        #expect(parser.phase == .body)
        parser.append(Array("b".utf8))
        _ = parser.next()
        #expect(parser.phase == .idle)
    }

    /// Found by the fuzzer: a request line exactly at the limit was refused as too long
    /// when it arrived byte by byte (its CR counted) and accepted when it arrived whole.
    @Test(arguments: [false, true])
    func aRequestLineAtTheLimitIsJudgedAlikeHoweverItArrives(byteByByte: Bool) {
        let limits = RequestParser.Limits(requestLineBytes: 24)
        let line = "GET /" + String(repeating: "a", count: 10) + " HTTP/1.1"
        #expect(line.utf8.count == 24)
        let accepted = requests(parse(line + "\r\nHost: h\r\n\r\n", limits: limits, byteByByte: byteByByte))
        #expect(accepted.count == 1)

        let longer = "GET /" + String(repeating: "a", count: 11) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        let refused = failure(parse(longer, limits: limits, byteByByte: byteByByte))
        #expect(refused?.status == .uriTooLong)
    }
}
