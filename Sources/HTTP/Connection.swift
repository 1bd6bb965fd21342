import Reactor
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One client connection: the thin shell around `RequestParser` and `ResponseQueue` that
/// reads, starts handlers, writes responses in order and enforces the timeouts.
///
/// Lives on one loop and is touched only on its thread; handlers run in tasks whose
/// executor preference is that loop, so their results come back on the same thread.
final class Connection: IOHandler, @unchecked Sendable {
    /// Which timeout the connection is under.
    enum Watch {
        case head, body, idle, write, linger, none
    }

    let fd: Int32
    let peer: String
    let host: LoopServer
    let server: HTTPServer
    /// False for a connection refused over capacity, which is not in the open count.
    let counted: Bool

    var parser: RequestParser
    var queue = ResponseQueue()
    var outbound: [UInt8] = []
    var outboundSent = 0
    var interest: IOEvents = .readable
    var registered = true

    /// No more requests are read: an error, `Connection: close`, or shutdown.
    var readingStopped = false
    /// The peer has finished sending.
    var peerClosed = false
    /// Reading paused until the response queue shortens.
    var readingPaused = false
    var lingering = false
    var closed = false
    var draining = false
    var processing = false
    var requestsRead = 0
    /// The queue place of the last request read; its response closes a draining connection.
    var lastPlace: UInt64 = 0
    var closeAfterWrite = false

    var watch = Watch.head
    var deadline: Int64

    init(fd: Int32, peer: String, host: LoopServer, server: HTTPServer, counted: Bool) {
        self.fd = fd
        self.peer = peer
        self.host = host
        self.server = server
        self.counted = counted
        self.parser = RequestParser(limits: server.configuration.limits)
        self.deadline = Monotonic.now() + server.configuration.timeouts.header.nanoseconds
    }

    func handle(_ events: IOEvents) {
        if events.contains(.writable) {
            self.writeOutbound()
        }
        if !self.closed && (events.contains(.readable) || events.contains(.hangup)) {
            self.readAvailable()
        }
        if !self.closed {
            self.updateInterest()
        }
    }

    /// Reads what the socket has, then parses it.
    private func readAvailable() {
        while !self.closed {
            let count = read(self.fd, self.host.readBuffer.baseAddress, self.host.readBuffer.count)
            if count > 0 {
                if self.lingering || self.readingStopped { continue }
                self.parser.append(
                    UnsafeRawBufferPointer(rebasing: self.host.readBuffer[0..<count]))
                // A short read emptied the socket; a paused or well-stocked parser waits, so
                // that a client pipelining faster than it reads meets TCP's backpressure.
                if count < self.host.readBuffer.count || self.readingPaused { break }
                if self.parser.bufferedCount > Self.readAhead { break }
                continue
            }
            if count == 0 {
                if !self.lingering {
                    self.processInput()
                }
                self.peerFinished()
                return
            }
            if errno == EINTR { continue }
            if errno != EAGAIN && errno != EWOULDBLOCK {
                self.closeNow()
                return
            }
            break
        }
        if !self.closed && !self.lingering {
            self.processInput()
        }
    }

    /// Reads and starts as many buffered requests as the pipelining limit allows.
    func processInput() {
        guard !self.processing else { return }
        self.processing = true
        defer { self.processing = false }

        while !self.readingStopped && !self.closed {
            if self.queue.count >= self.server.configuration.maxPipelinedRequests {
                self.readingPaused = true
                break
            }
            self.readingPaused = false

            switch self.parser.next() {
            case .needMore:
                self.updateWatch()
                return
            case .sendContinue:
                let place = self.queue.reserve()
                self.queue.fill(
                    place,
                    .init(
                        bytes: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), closesConnection: false)
                )
                self.flushQueue()
            case .request(let parsed):
                self.requestsRead += 1
                self.start(parsed)
            case .failure(let error):
                self.refuse(error)
            }
        }
        self.updateWatch()
    }

    /// The peer sent FIN: answer what was read, then close.
    private func peerFinished() {
        guard !self.closed else { return }
        self.peerClosed = true
        if self.lingering || self.queue.isEmpty && self.outbound.isEmpty {
            self.closeNow()
            return
        }
        self.readingStopped = true
        // Stop watching so a half-closed socket does not report itself over and over while
        // handlers finish; writing watches it again if the socket fills.
        self.loop.deregister(self.fd)
        self.registered = false
    }

    var loop: EventLoop { self.host.loop }

    /// Unparsed bytes buffered before reading stops until the parser has taken some.
    static let readAhead = 256 * 1024
}
