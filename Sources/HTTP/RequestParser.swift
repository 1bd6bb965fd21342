#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Reads HTTP/1.1 requests out of a byte stream: bytes go in with `append`, and `next()`
/// says what to do: wait for more, send `100 Continue`, answer a complete request, or
/// refuse the stream with an error status and close.
///
/// A plain value type with no I/O and no clock, so every framing rule is tested by feeding
/// bytes. It is strict on purpose, because a lenient parser behind a proxy that reads the
/// same bytes differently is how requests get smuggled:
/// - lines end in CRLF; a bare LF (or a CR not followed by LF) is refused with 400 rather
///   than accepted as RFC 9112 §2.2 would allow, since HAProxy always sends CRLF and a
///   peer that disagrees about line ends is exactly the one to distrust;
/// - `Content-Length` with `Transfer-Encoding`, differing or list-valued `Content-Length`,
///   any transfer coding but a single `chunked`, folded lines, whitespace before a colon,
///   non-token names and CR, LF, NUL or other controls in values are all refused with 400.
public struct RequestParser: Sendable {
    /// What the next request may cost.
    public struct Limits: Sendable, Equatable {
        /// Longest request line, in bytes, before 414.
        public var requestLineBytes: Int
        /// Largest header section (and trailer section), in bytes, before 431.
        public var headerBytes: Int
        /// Most header fields before 431.
        public var headerCount: Int
        /// Largest body, by `Content-Length` or chunked total, before 413.
        public var bodyBytes: Int

        public init(
            requestLineBytes: Int = 8192, headerBytes: Int = 16384, headerCount: Int = 100,
            bodyBytes: Int = 1 << 20
        ) {
            self.requestLineBytes = requestLineBytes
            self.headerBytes = headerBytes
            self.headerCount = headerCount
            self.bodyBytes = bodyBytes
        }
    }

    /// What the caller should do next.
    public enum Step: Sendable {
        /// Nothing complete yet; read more bytes and call `next()` again.
        case needMore
        /// The client asked (`Expect: 100-continue`) before sending a body we will accept.
        case sendContinue
        /// A whole request; call `next()` again for a pipelined one.
        case request(ParsedRequest)
        /// The stream is refused: answer with the error's status and close.
        case failure(HTTPParseError)
    }

    /// Where the parser stands, which decides which timeout applies.
    public enum Phase: Sendable, Equatable {
        /// Between requests, with nothing of the next one buffered.
        case idle
        /// Part of a request line or header section has arrived.
        case head
        /// The head is complete; the body is still arriving.
        case body
        /// A failure was returned; the stream is finished.
        case failed
    }

    enum State {
        case requestLine
        case headers
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers
        case failed(HTTPParseError)
    }

    public let limits: Limits

    var buffer: [UInt8] = []
    /// Index of the first byte not yet consumed.
    var cursor = 0
    /// Index up to which the current line has been searched for LF.
    var scanned = 0
    var state = State.requestLine
    var head = HeadBuilder()
    var body: [UInt8] = []
    /// Bytes of the header (or trailer) section consumed so far.
    var sectionBytes = 0
    var emptyLinesSkipped = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Hands the parser the bytes just read.
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        self.buffer.append(contentsOf: bytes)
    }

    /// Hands the parser bytes read into a raw buffer.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        self.buffer.append(contentsOf: bytes)
    }

    /// Bytes received and not yet consumed (the start of the next pipelined request).
    public var bufferedCount: Int { self.buffer.count - self.cursor }

    public var phase: Phase {
        switch self.state {
        case .requestLine:
            return self.cursor == self.buffer.count && self.emptyLinesSkipped == 0 ? .idle : .head
        case .headers:
            return .head
        case .fixedBody, .chunkSize, .chunkData, .chunkEnd, .trailers:
            return .body
        case .failed:
            return .failed
        }
    }

    /// Advances as far as the buffered bytes allow and says what happened.
    public mutating func next() -> Step {
        while true {
            let progress: Progress
            switch self.state {
            case .requestLine: progress = self.readRequestLine()
            case .headers: progress = self.readHeaderLine()
            case .fixedBody(let remaining): progress = self.readFixedBody(remaining)
            case .chunkSize: progress = self.readChunkSize()
            case .chunkData(let remaining): progress = self.readChunkData(remaining)
            case .chunkEnd: progress = self.readChunkEnd()
            case .trailers: progress = self.readTrailerLine()
            case .failed(let error): return .failure(error)
            }

            switch progress {
            case .continue:
                continue
            case .stop(let step):
                if case .failure(let error) = step {
                    self.state = .failed(error)
                    self.releaseBuffer()
                }
                return step
            }
        }
    }

    /// What one parsing step achieved.
    enum Progress {
        case `continue`
        case stop(Step)
    }

    /// Finds the LF ending the current line, searching only bytes not searched before.
    mutating func findLineEnd() -> Int? {
        let start = max(self.cursor, self.scanned)
        let end = self.buffer.count
        guard start < end else { return nil }

        let found = self.buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard let hit = memchr(bytes.baseAddress! + start, Int32(ByteClass.lf), end - start)
            else {
                return nil
            }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(bytes.baseAddress!)
        }
        self.scanned = found ?? end
        return found
    }

    /// Consumes through `index` and starts the next line's search after it.
    mutating func consume(through index: Int) {
        self.cursor = index + 1
        self.scanned = self.cursor
    }

    /// Finishes the current request and makes ready for the next.
    mutating func complete() -> Progress {
        let request = ParsedRequest(head: self.head.build(), body: self.body)
        self.head = HeadBuilder()
        self.body = []
        self.state = .requestLine
        self.sectionBytes = 0
        self.emptyLinesSkipped = 0
        self.compact()
        return .stop(.request(request))
    }

    /// Drops consumed bytes so the buffer does not grow over a long keep-alive connection.
    mutating func compact() {
        if self.cursor == self.buffer.count {
            self.releaseBuffer()
        } else if self.cursor > 4096 && self.cursor * 2 > self.buffer.count {
            self.buffer.removeSubrange(0..<self.cursor)
            self.scanned -= self.cursor
            self.cursor = 0
        }
    }

    private mutating func releaseBuffer() {
        self.buffer.removeAll(keepingCapacity: self.buffer.capacity <= 4096)
        self.cursor = 0
        self.scanned = 0
    }
}
