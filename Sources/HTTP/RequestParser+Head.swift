/// The request line and the header section.
extension RequestParser {
    /// Empty lines tolerated before a request line (RFC 9112 §2.2 asks for at least one).
    static let emptyLinesAllowed = 4

    mutating func readRequestLine() -> Progress {
        // The limit counts the line without its CRLF, so up to one byte more (the CR) may
        // wait for its LF; the same input is then judged alike however it was split.
        guard let lineFeed = self.findLineEnd() else {
            if self.buffer.count - self.cursor > self.limits.requestLineBytes + 1 {
                return .stop(.failure(Self.requestLineTooLong))
            }
            return .stop(.needMore)
        }

        if lineFeed - self.cursor > self.limits.requestLineBytes + 1 {
            return .stop(.failure(Self.requestLineTooLong))
        }
        guard lineFeed > self.cursor, self.buffer[lineFeed - 1] == ByteClass.cr else {
            return .stop(.failure(Self.bareLineFeed))
        }

        let line = self.buffer[self.cursor..<(lineFeed - 1)]
        if line.isEmpty {
            self.emptyLinesSkipped += 1
            guard self.emptyLinesSkipped <= Self.emptyLinesAllowed else {
                return .stop(
                    .failure(.bad(.invalidRequestLine, "too many empty lines before the request")))
            }
            self.consume(through: lineFeed)
            return .continue
        }

        if let error = self.head.parseRequestLine(line) {
            return .stop(.failure(error))
        }
        self.consume(through: lineFeed)
        self.state = .headers
        return .continue
    }

    mutating func readHeaderLine() -> Progress {
        guard let lineFeed = self.findLineEnd() else {
            if self.sectionBytes + self.buffer.count - self.cursor > self.limits.headerBytes {
                return .stop(.failure(Self.headersTooLarge))
            }
            return .stop(.needMore)
        }

        self.sectionBytes += lineFeed + 1 - self.cursor
        if self.sectionBytes > self.limits.headerBytes {
            return .stop(.failure(Self.headersTooLarge))
        }
        guard lineFeed > self.cursor, self.buffer[lineFeed - 1] == ByteClass.cr else {
            return .stop(.failure(Self.bareLineFeed))
        }

        let line = self.buffer[self.cursor..<(lineFeed - 1)]
        self.consume(through: lineFeed)
        if line.isEmpty {
            return self.finishHead()
        }

        guard self.head.fields.count < self.limits.headerCount else {
            return .stop(
                .failure(
                    HTTPParseError(
                        .tooManyHeaders, .requestHeaderFieldsTooLarge,
                        "more than \(self.limits.headerCount) header fields")))
        }
        switch Self.parseField(line) {
        case .failure(let error):
            return .stop(.failure(error))
        case .success(let field):
            if let error = self.head.note(field) {
                return .stop(.failure(error))
            }
            self.head.fields.append(field)
            return .continue
        }
    }

    /// Decides how the body is framed once the head is complete.
    private mutating func finishHead() -> Progress {
        let head = self.head
        if head.version == .http1_1 && head.hosts == 0 {
            return .stop(.failure(.bad(.missingHost, "an HTTP/1.1 request needs a Host field")))
        }
        if head.hosts > 1 {
            return .stop(.failure(.bad(.duplicateHost, "more than one Host field")))
        }
        if head.transferEncodings > 0 && head.contentLength != nil {
            return .stop(
                .failure(.bad(.conflictingFraming, "both Content-Length and Transfer-Encoding")))
        }
        if head.transferEncodings > 0
            && (!head.chunked || head.transferEncodings > 1 || head.version == .http1_0)
        {
            return .stop(
                .failure(
                    .bad(.unsupportedTransferEncoding, "Transfer-Encoding must be exactly chunked"))
            )
        }
        if head.otherExpectation {
            return .stop(
                .failure(
                    HTTPParseError(
                        .unsupportedExpectation, .expectationFailed,
                        "only 100-continue is understood"))
            )
        }
        if head.contentLengthTooLarge || (head.contentLength ?? 0) > self.limits.bodyBytes {
            return .stop(.failure(Self.bodyTooLarge(self.limits.bodyBytes)))
        }

        let wantsContinue = head.expectsContinue && head.version == .http1_1
        if head.chunked {
            self.state = .chunkSize
            self.sectionBytes = 0
            return wantsContinue ? .stop(.sendContinue) : .continue
        }
        guard let length = head.contentLength, length > 0 else {
            return self.complete()
        }
        self.body.reserveCapacity(length)
        self.state = .fixedBody(remaining: length)
        return wantsContinue ? .stop(.sendContinue) : .continue
    }

    /// Splits `name: value`, refusing what RFC 9112 §5 forbids.
    static func parseField(_ line: ArraySlice<UInt8>) -> Result<HTTPHeaders.Field, HTTPParseError> {
        let first = line[line.startIndex]
        if ByteClass.isWhitespace(first) {
            return .failure(
                .bad(
                    .obsoleteLineFolding, "a header line starts with whitespace (obsolete folding)")
            )
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            return .failure(.bad(.invalidHeaderName, "a header line has no colon"))
        }

        let name = line[line.startIndex..<colon]
        guard !name.isEmpty else {
            return .failure(.bad(.invalidHeaderName, "a header field has an empty name"))
        }
        for byte in name where !ByteClass.isToken(byte) {
            if ByteClass.isWhitespace(byte) {
                return .failure(
                    .bad(.whitespaceBeforeColon, "whitespace in a header name or before its colon"))
            }
            return .failure(
                .bad(.invalidHeaderName, "a header name has a character outside the token set"))
        }

        var start = colon + 1
        var end = line.endIndex
        while start < end && ByteClass.isWhitespace(line[start]) { start += 1 }
        while end > start && ByteClass.isWhitespace(line[end - 1]) { end -= 1 }
        let value = line[start..<end]
        for byte in value where !ByteClass.isFieldValue(byte) {
            return .failure(
                .bad(
                    .invalidHeaderValue,
                    "a header value has a control character (CR, LF, NUL or other)"))
        }

        return .success(
            (
                name: String(decoding: name, as: UTF8.self),
                value: String(decoding: value, as: UTF8.self)
            ))
    }

    static let requestLineTooLong = HTTPParseError(
        .requestLineTooLong, .uriTooLong, "the request line is too long")
    static let headersTooLarge = HTTPParseError(
        .headersTooLarge, .requestHeaderFieldsTooLarge, "the header section is too large")
    static let bareLineFeed = HTTPParseError.bad(.bareLineFeed, "a line ends in LF without CR")

    static func bodyTooLarge(_ limit: Int) -> HTTPParseError {
        HTTPParseError(.bodyTooLarge, .contentTooLarge, "the body is larger than \(limit) bytes")
    }
}
