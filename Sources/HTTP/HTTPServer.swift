import Reactor
import Synchronization
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Tells whether this node can do useful work (a writable database answered in time).
/// `/readyz` calls it on each check, bounded by `readinessDeadline`.
public typealias ReadinessProbe = @Sendable () async -> Bool

/// An HTTP/1.1 server: on every loop of the group a listening socket (`SO_REUSEPORT`) and
/// the connections it accepted. A connection stays on its loop for life, and so does each
/// of its requests' handlers, so a handler awaiting a database connection bound to the same
/// loop never changes thread.
///
/// The server answers `GET /healthz`, `/readyz` and `/metrics` itself and hands every other
/// request to the responder.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let logger: Logger
    let readiness: ReadinessProbe?
    let metrics: HTTPServerMetrics?
    let loops: [LoopServer]
    /// Compresses responses as `configuration.compression` says; nil when it is off.
    let gzip: GzipResponder?

    let state = ServerState()
    private let nextLoop = Atomic<Int>(0)
    private let boundPort = Atomic<Int>(0)
    private let started = Atomic<Bool>(false)

    /// - Parameters:
    ///   - metrics: the registry `/metrics` renders; the server's own metrics are added to
    ///     it. Nil serves `/metrics` with 404.
    ///   - readiness: the check behind `/readyz`; nil means ready whenever not shutting down.
    public init(
        configuration: HTTPServerConfiguration,
        group: EventLoopGroup,
        responder: any HTTPResponder,
        logger: Logger,
        metrics: Metrics? = nil,
        readiness: ReadinessProbe? = nil
    ) throws(HTTPServerError) {
        guard configuration.maxConnections > 0, configuration.maxPipelinedRequests > 0,
            (0...65535).contains(configuration.port)
        else {
            throw HTTPServerError(
                .invalidConfiguration, "port, connection and pipelining limits must be in range",
                context: "\(configuration.host):\(configuration.port)")
        }

        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.readiness = readiness
        self.loops = group.loops.map { LoopServer(loop: $0) }
        self.gzip = configuration.compression.map { GzipResponder(wrapping: responder, policy: $0) }

        if let metrics {
            do {
                self.metrics = try HTTPServerMetrics(registry: metrics) { [state = self.state] in
                    Double(state.open.load(ordering: .relaxed))
                }
            } catch {
                throw HTTPServerError(.invalidConfiguration, error.description, context: "metrics")
            }
        } else {
            self.metrics = nil
        }
    }

    /// The port the server listens on, known once `start()` has returned.
    public var port: Int { self.boundPort.load(ordering: .acquiring) }

    /// Client connections open now, across loops.
    public var openConnections: Int { self.state.open.load(ordering: .relaxed) }

    /// True from the moment shutdown begins: `/readyz` answers 503 from then on.
    public var isShuttingDown: Bool { self.state.draining.load(ordering: .acquiring) }

    /// Binds the listening sockets (one per loop, or one on the first loop when accepting
    /// is `.distributed`) and starts accepting.
    public func start() throws(HTTPServerError) {
        guard !self.started.exchange(true, ordering: .acquiringAndReleasing) else {
            throw HTTPServerError(
                .alreadyStarted, "the server was already started", context: "start")
        }

        var port = self.configuration.port
        var sockets: [Int32] = []
        let listeners = self.configuration.accepting == .perLoop ? self.loops.count : 1
        for _ in 0..<listeners {
            do {
                let fd = try Socket.listen(
                    host: self.configuration.host, port: port, backlog: self.configuration.backlog)
                port = Socket.localPort(fd)
                sockets.append(fd)
            } catch {
                sockets.forEach { _ = close($0) }
                throw error
            }
        }
        self.boundPort.store(port, ordering: .releasing)

        for (index, loopServer) in self.loops.enumerated() {
            let listener = index < sockets.count ? sockets[index] : -1
            loopServer.loop.execute {
                loopServer.start(server: self, listener: listener)
            }
        }
        self.logger.debug(
            "listening",
            [("http.host", .string(self.configuration.host)), ("http.port", .int(Int64(port)))])
    }

    /// Shuts down gracefully: stops accepting, turns `/readyz` to 503, closes idle
    /// connections, lets in-flight requests finish (their connections then close) and,
    /// after `shutdownGrace`, closes whatever is left. Returns when every connection is
    /// closed.
    public func shutdown() async {
        guard !self.state.draining.exchange(true, ordering: .acquiringAndReleasing) else { return }

        for loopServer in self.loops {
            await loopServer.loop.submit { loopServer.beginDrain() }
        }

        let deadline = Monotonic.now() + self.configuration.shutdownGrace.nanoseconds
        while self.openConnections > 0 && Monotonic.now() < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }

        for loopServer in self.loops {
            await loopServer.loop.submit { loopServer.closeAll() }
        }
        self.logger.debug("stopped", [("http.open_connections", .int(Int64(self.openConnections)))])
    }
}

extension HTTPServer {
    /// The loop that takes the next accepted connection when accepting is `.distributed`.
    func loopForNextConnection() -> LoopServer {
        let index = self.nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue
        return self.loops[index % self.loops.count]
    }
}

/// Counters shared by every loop of one server.
final class ServerState: Sendable {
    /// Client connections open (rejected ones are not counted).
    let open = Atomic<Int>(0)
    /// Set once, when shutdown begins.
    let draining = Atomic<Bool>(false)
}
