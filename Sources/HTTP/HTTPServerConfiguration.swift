import Telemetry

/// Everything the server can be told at start-up. The defaults suit an API node behind
/// HAProxy; tests shorten the timeouts.
public struct HTTPServerConfiguration: Sendable {
    /// How long each phase of a connection may take before it is closed.
    public struct Timeouts: Sendable {
        /// A request's whole head (request line and headers) must arrive within this, from
        /// its first byte or from the connection's opening (slowloris defence).
        public var header: Duration
        /// A request's whole body must arrive within this once its head is complete.
        public var body: Duration
        /// A keep-alive connection with no request in progress is closed after this.
        public var idle: Duration
        /// After the last response, how long unread input is drained before closing, so
        /// that a reset does not destroy the response before the client reads it.
        public var linger: Duration

        public init(
            header: Duration = .seconds(10), body: Duration = .seconds(30),
            idle: Duration = .seconds(60), linger: Duration = .seconds(2)
        ) {
            self.header = header
            self.body = body
            self.idle = idle
            self.linger = linger
        }
    }

    /// How new connections reach the loops.
    public enum Accepting: Sendable, Equatable {
        /// A listening socket on every loop with `SO_REUSEPORT`; the kernel spreads
        /// connections by a hash of their addresses.
        case perLoop
        /// One listening socket on the first loop, which hands connections to the loops in
        /// turn, so that every loop gets an equal share. The default: on two cores with
        /// wrk's 64 keep-alive connections it served about a fifth more requests a second
        /// than `.perLoop`, whose hash left one loop with more connections than the other
        /// (bench/http/run with PORTAL_HTTP_ACCEPT). Connection set-up is then serialised on
        /// the first loop, which suits a balancer's long-lived connections.
        case distributed
    }

    public var host: String
    /// 0 asks the kernel for a free port (see `HTTPServer.port`).
    public var port: Int
    public var backlog: Int32
    public var accepting: Accepting
    public var limits: RequestParser.Limits
    public var timeouts: Timeouts
    /// Open connections allowed on this node; beyond it, a 503 and close.
    public var maxConnections: Int
    /// Requests read ahead on one connection while earlier ones are still being answered.
    public var maxPipelinedRequests: Int
    /// When responses are gzipped (threshold, level, media types); nil never compresses.
    public var compression: GzipPolicy?
    /// How long shutdown waits for in-flight requests before closing what is left.
    public var shutdownGrace: Duration
    /// How long `/readyz` waits for the readiness probe before answering 503.
    public var readinessDeadline: Duration
    /// The level of the one-line-per-request access log.
    public var accessLogLevel: Logger.Level

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        backlog: Int32 = 1024,
        accepting: Accepting = .distributed,
        limits: RequestParser.Limits = RequestParser.Limits(),
        timeouts: Timeouts = Timeouts(),
        maxConnections: Int = 10_000,
        maxPipelinedRequests: Int = 16,
        compression: GzipPolicy? = GzipPolicy(),
        shutdownGrace: Duration = .seconds(10),
        readinessDeadline: Duration = .seconds(2),
        accessLogLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.accepting = accepting
        self.limits = limits
        self.timeouts = timeouts
        self.maxConnections = maxConnections
        self.maxPipelinedRequests = maxPipelinedRequests
        self.compression = compression
        self.shutdownGrace = shutdownGrace
        self.readinessDeadline = readinessDeadline
        self.accessLogLevel = accessLogLevel
    }
}
