import Reactor
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What one loop owns for the server: its listening socket, its connections, and the
/// per-loop caches that keep the hot path free of locks (date, id generator, metric
/// handles, the read buffer). Touched only on its loop's thread.
final class LoopServer: IOHandler, @unchecked Sendable {
    let loop: EventLoop
    private(set) var server: HTTPServer?
    private var listener: Int32 = -1
    private var connections: [Int32: Connection] = [:]
    private var sweepInterval = Duration.seconds(1)

    var date = HTTPDate()
    var ids = RequestIDGenerator()
    var loopMetrics = LoopMetrics()
    /// One read buffer for every connection of the loop: a connection keeps bytes only
    /// while a request is incomplete, so idle connections cost little memory.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    init(loop: EventLoop) {
        self.loop = loop
    }

    deinit {
        self.readBuffer.deallocate()
    }

    func start(server: HTTPServer, listener: Int32) {
        self.server = server
        self.listener = listener
        if listener >= 0 {
            do {
                try self.loop.register(listener, interest: .readable, handler: self)
            } catch {
                server.logger.error(
                    "cannot watch the listening socket", [("error", .string(error.description))])
            }
        }

        let timeouts = server.configuration.timeouts
        let shortest =
            [timeouts.header, timeouts.body, timeouts.idle, timeouts.linger].min() ?? .seconds(1)
        self.sweepInterval = max(.milliseconds(10), min(.seconds(1), shortest / 4))
        self.scheduleSweep()
    }

    /// The listening socket is readable: take every waiting connection.
    func handle(_ events: IOEvents) {
        guard let server = self.server, self.listener >= 0 else { return }

        for _ in 0..<256 {
            switch Socket.accept(self.listener) {
            case .success(let (fd, peer)):
                guard server.configuration.accepting == .distributed else {
                    self.adopt(fd, peer: peer, server: server)
                    continue
                }
                let target = server.loopForNextConnection()
                if target === self {
                    self.adopt(fd, peer: peer, server: server)
                } else {
                    target.loop.execute { target.adopt(fd, peer: peer, server: server) }
                }
            case .failure(let error) where error.code == EAGAIN || error.code == EWOULDBLOCK:
                return
            case .failure(let error) where error.code == EINTR || error.code == ECONNABORTED:
                continue
            case .failure(let error):
                // Out of descriptors (EMFILE, ENFILE) or memory: pause accepting briefly
                // rather than spin on a listener that stays readable.
                server.logger.debug("accept failed", [("error.errno", .int(Int64(error.code)))])
                self.pauseAccepting()
                return
            }
        }
    }

    /// Takes a new connection onto this loop, or refuses it politely over capacity.
    func adopt(_ fd: Int32, peer: String, server: HTTPServer) {
        guard !server.isShuttingDown else {
            close(fd)
            return
        }

        let open = server.state.open.wrappingAdd(1, ordering: .relaxed).newValue
        let rejected = open > server.configuration.maxConnections
        if rejected {
            server.state.open.wrappingSubtract(1, ordering: .relaxed)
        }

        let connection = Connection(
            fd: fd, peer: peer, host: self, server: server, counted: !rejected)
        self.connections[fd] = connection
        do {
            try self.loop.register(fd, interest: .readable, handler: connection)
        } catch {
            connection.closeNow()
            return
        }
        if rejected {
            connection.refuseOverCapacity()
        }
    }

    func remove(_ connection: Connection) {
        if self.connections[connection.fd] === connection {
            self.connections[connection.fd] = nil
        }
    }

    private func pauseAccepting() {
        self.loop.deregister(self.listener)
        self.loop.schedule(after: .milliseconds(100)) { [self] in
            guard self.listener >= 0, let server = self.server, !server.isShuttingDown else {
                return
            }
            try? self.loop.register(self.listener, interest: .readable, handler: self)
        }
    }

    private func scheduleSweep() {
        self.loop.schedule(after: self.sweepInterval) { [self] in
            self.sweep()
            let serving = !(self.server?.isShuttingDown ?? true)
            guard serving || !self.connections.isEmpty else { return }
            self.scheduleSweep()
        }
    }

    /// Closes or answers the connections whose current phase has run out of time.
    private func sweep() {
        let now = Monotonic.now()
        for connection in Array(self.connections.values) where connection.deadline <= now {
            connection.timedOut()
        }
    }

    /// Shutdown's first step on this loop: stop accepting, close idle connections and let
    /// busy ones close after their current responses.
    func beginDrain() {
        if self.listener >= 0 {
            self.loop.deregister(self.listener)
            close(self.listener)
            self.listener = -1
        }
        for connection in Array(self.connections.values) {
            connection.drain()
        }
    }

    /// Shutdown's last step: whatever is still open is closed.
    func closeAll() {
        for connection in Array(self.connections.values) {
            connection.closeNow()
        }
    }
}
