/// Bodies: a fixed `Content-Length`, or chunks (RFC 9112 §7.1) with optional trailers.
extension RequestParser {
    /// Longest chunk-size line (size plus extensions) accepted.
    static let chunkLineBytes = 4096
    /// Most hexadecimal digits in a chunk size; more could overflow.
    static let chunkSizeDigits = 15

    mutating func readFixedBody(_ remaining: Int) -> Progress {
        let available = min(remaining, self.buffer.count - self.cursor)
        guard available > 0 else { return .stop(.needMore) }

        self.body.append(contentsOf: self.buffer[self.cursor..<(self.cursor + available)])
        self.cursor += available
        self.scanned = self.cursor
        if available == remaining {
            return self.complete()
        }
        self.state = .fixedBody(remaining: remaining - available)
        self.compact()
        return .stop(.needMore)
    }

    mutating func readChunkSize() -> Progress {
        guard let lineFeed = self.findLineEnd() else {
            if self.buffer.count - self.cursor > Self.chunkLineBytes + 1 {
                return .stop(.failure(Self.badChunk("a chunk-size line is too long")))
            }
            return .stop(.needMore)
        }
        guard lineFeed - self.cursor <= Self.chunkLineBytes + 1 else {
            return .stop(.failure(Self.badChunk("a chunk-size line is too long")))
        }
        guard lineFeed > self.cursor, self.buffer[lineFeed - 1] == ByteClass.cr else {
            return .stop(.failure(Self.bareLineFeed))
        }

        let line = self.buffer[self.cursor..<(lineFeed - 1)]
        self.consume(through: lineFeed)

        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let value = ByteClass.hexValue(line[index]) {
            digits += 1
            guard digits <= Self.chunkSizeDigits else {
                return .stop(.failure(Self.badChunk("a chunk size overflows")))
            }
            size = size << 4 | value
            index += 1
        }
        guard digits > 0 else {
            return .stop(.failure(Self.badChunk("a chunk size is not hexadecimal")))
        }
        if let error = Self.checkExtensions(line[index...]) {
            return .stop(.failure(error))
        }

        if size == 0 {
            self.state = .trailers
            self.sectionBytes = 0
            return .continue
        }
        guard size <= self.limits.bodyBytes - self.body.count else {
            return .stop(.failure(Self.bodyTooLarge(self.limits.bodyBytes)))
        }
        self.state = .chunkData(remaining: size)
        return .continue
    }

    mutating func readChunkData(_ remaining: Int) -> Progress {
        let available = min(remaining, self.buffer.count - self.cursor)
        guard available > 0 else { return .stop(.needMore) }

        self.body.append(contentsOf: self.buffer[self.cursor..<(self.cursor + available)])
        self.cursor += available
        self.scanned = self.cursor
        if available == remaining {
            self.state = .chunkEnd
            return .continue
        }
        self.state = .chunkData(remaining: remaining - available)
        self.compact()
        return .stop(.needMore)
    }

    /// The CRLF that must follow each chunk's data.
    mutating func readChunkEnd() -> Progress {
        guard self.buffer.count - self.cursor >= 2 else {
            if self.buffer.count > self.cursor && self.buffer[self.cursor] != ByteClass.cr {
                return .stop(.failure(Self.badChunk("chunk data is not followed by CRLF")))
            }
            return .stop(.needMore)
        }
        guard self.buffer[self.cursor] == ByteClass.cr, self.buffer[self.cursor + 1] == ByteClass.lf
        else {
            return .stop(.failure(Self.badChunk("chunk data is not followed by CRLF")))
        }

        self.cursor += 2
        self.scanned = self.cursor
        self.state = .chunkSize
        return .continue
    }

    /// Trailer fields are checked like header fields and then dropped: nothing here reads
    /// them, and merging them into the headers would let a sender add fields after the fact.
    mutating func readTrailerLine() -> Progress {
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
            return self.complete()
        }
        if case .failure(let error) = Self.parseField(line) {
            return .stop(.failure(error))
        }
        return .continue
    }

    /// After the size: nothing, or `;` extensions (optionally after whitespace) made of
    /// field-value characters. Extensions are ignored.
    private static func checkExtensions(_ rest: ArraySlice<UInt8>) -> HTTPParseError? {
        let trimmed = rest.drop(while: ByteClass.isWhitespace)
        guard !trimmed.isEmpty else {
            return rest.isEmpty
                ? nil : Self.badChunk("a chunk size is followed by stray whitespace")
        }
        guard trimmed.first == UInt8(ascii: ";") else {
            return Self.badChunk("a chunk size has characters that are not hexadecimal")
        }
        guard trimmed.allSatisfy(ByteClass.isFieldValue) else {
            return Self.badChunk("a chunk extension has a control character")
        }
        return nil
    }

    private static func badChunk(_ message: String) -> HTTPParseError {
        .bad(.invalidChunk, message)
    }
}
