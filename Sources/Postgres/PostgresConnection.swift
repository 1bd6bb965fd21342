import CPostgres
import Reactor
import Synchronization
import Telemetry

/// One connection to PostgreSQL, owned by an event loop and shared by many callers.
///
/// The connection runs libpq in non-blocking pipeline mode: the statements of concurrent
/// callers are sent back to back, flushed once per turn of the loop, and their results
/// matched to the callers in order. No thread waits in libpq. Statements are prepared once
/// per connection and cached; parameters and results travel in binary.
///
/// The actor's executor is its event loop, so all libpq state is touched on the loop's
/// thread; callers on other executors hop there for the duration of the call.
///
/// Session state is shared by everyone using the connection: a `BEGIN`, `SET` or `LISTEN`
/// issued by one caller applies to the statements of all. Transactions therefore need the
/// connection to themselves (the pool's transaction API arranges that).
public actor PostgresConnection {
    /// The loop that owns the connection's socket and runs the actor.
    public nonisolated let loop: EventLoop
    /// The host libpq reached (one of several for a multi-host configuration).
    public nonisolated let host: String
    /// The port libpq reached.
    public nonisolated let port: String
    /// The server process serving this connection (`pg_backend_pid()`).
    public nonisolated let backendPID: Int32

    nonisolated let logger: Logger
    nonisolated let canceller: Canceller?
    nonisolated let status = ConnectionStatus()
    private nonisolated let watcher = SocketWatcher()

    /// The libpq connection; nil once closed.
    var connection: OpaquePointer?
    var socket: Int32
    var watchingWritable = false
    var sendScheduled = false
    var machine = ConnectionStateMachine<ResultWaiter, PostgresRows>()
    var requestCounter: UInt64 = 0
    var listeners: [String: [UInt64: NotificationContinuation]] = [:]

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        self.loop.asUnownedSerialExecutor()
    }

    /// Connects to the server `configuration` names, on `loop`.
    ///
    /// Fails with `invalidConfiguration` before any I/O when the configuration is invalid,
    /// and with `connectionFailed`, `timeout` or `cancelled` when no connection results.
    public static func connect(
        _ configuration: PostgresConfiguration, on loop: EventLoop, logger: Logger
    ) async throws(PostgresError) -> PostgresConnection {
        let parameters = try configuration.connectionParameters()
        let connector = Connector(
            loop: loop, parameters: parameters, timeout: configuration.connectTimeout,
            hosts: configuration.hostsDescription)
        let established = try await connector.establish()

        let connection = PostgresConnection(established, loop: loop, logger: logger)
        try await connection.activate()
        return connection
    }

    private init(_ established: EstablishedConnection, loop: EventLoop, logger: Logger) {
        let pointer = established.pointer
        self.loop = loop
        self.connection = pointer
        self.socket = PQsocket(pointer)
        self.host = PQhost(pointer).map { String(cString: $0) } ?? "?"
        self.port = PQport(pointer).map { String(cString: $0) } ?? "?"
        self.backendPID = PQbackendPID(pointer)
        self.canceller = PQgetCancel(pointer).map { Canceller($0) }
        self.logger = logger.with("db.host", .string("\(self.host):\(self.port)"))
            .with("db.backend_pid", .int(Int64(self.backendPID)))
    }

    isolated deinit {
        if let connection = self.connection {
            self.loop.deregister(self.socket)
            PQfinish(connection)
        }
    }

    /// Runs `query` and returns its rows. The statement is prepared on first use and the
    /// preparation reused by later calls with the same text and parameter types.
    ///
    /// Cancelling the calling task cancels the statement on the server; the call then
    /// fails with `PostgresError.Code.cancelled`.
    public func query(_ query: PostgresQuery) async throws(PostgresError) -> PostgresRows {
        try self.check(query)
        guard let rows = try await self.perform(.statement(query)) else {
            throw PostgresError(
                code: .protocolViolation, message: "the statement completed without a result",
                host: self.hostDescription)
        }
        return rows
    }

    /// Runs several `;`-separated statements in one go (migrations, say) using the simple
    /// query protocol. The pipeline is drained first and statements issued meanwhile wait.
    /// Fails with the first statement's error; the connection stays usable.
    public func execute(script: String) async throws(PostgresError) {
        guard !script.utf8.contains(0) else {
            throw PostgresError(
                code: .invalidArgument, message: "the script contains a NUL character",
                host: self.hostDescription)
        }
        _ = try await self.perform(.script(script))
    }

    /// Closes the connection. Requests still pending fail with `connectionClosed`.
    public func close() async {
        self.shutdown(
            .connectionClosed(
                "the connection was closed by the application", host: self.hostDescription),
            cause: nil)
    }

    /// False once the connection is closed or lost. Safe to read from any thread.
    public nonisolated var isUsable: Bool { self.status.isUsable }

    /// Requests sent or queued and not yet answered, for balancing load across connections.
    public nonisolated var inFlightCount: Int { self.status.inFlight }

    /// Calls `observer` once when the connection closes: with the error when it was lost,
    /// with nil when `close()` was called. Called at once if it is already closed.
    public nonisolated func onClose(_ observer: @escaping @Sendable (PostgresError?) -> Void) {
        self.status.addObserver(observer)
    }

    nonisolated var hostDescription: String { "\(self.host):\(self.port)" }

    private func activate() throws(PostgresError) {
        self.watcher.connection = self
        do {
            try self.loop.register(self.socket, interest: .readable, handler: self.watcher)
        } catch {
            let failure = PostgresError(
                code: .connectionFailed, message: "\(error)", host: self.hostDescription)
            self.shutdown(failure, cause: failure)
            throw failure
        }
        self.logger.debug("postgres connection established")
    }

    /// Sends `work` and waits for its outcome, cancelling it if the task is cancelled.
    func perform(
        _ work: ConnectionStateMachine<ResultWaiter, PostgresRows>.Work
    ) async throws(PostgresError)
        -> PostgresRows?
    {
        self.requestCounter += 1
        let id = self.requestCounter
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                self.submit(work, id: id, waiter: .caller(continuation))
            }
        } onCancel: {
            self.loop.execute {
                self.assumeIsolated { $0.cancelRequest(id) }
            }
        }
        return try result.get()
    }
}

/// Hands socket readiness from the event loop to the connection, on the loop's thread.
/// It holds the connection weakly so that a forgotten connection can still be freed.
final class SocketWatcher: IOHandler, @unchecked Sendable {
    weak var connection: PostgresConnection?

    func handle(_ events: IOEvents) {
        self.connection?.assumeIsolated { $0.socketReady(events) }
    }
}

/// The connection's state that any thread may read: whether it is usable, how many
/// requests it carries, and who wants to know when it closes.
final class ConnectionStatus: Sendable {
    private struct Closing {
        var closed = false
        var cause: PostgresError?
        var observers: [@Sendable (PostgresError?) -> Void] = []
    }

    private let usable = Atomic<Bool>(true)
    private let pending = Atomic<Int>(0)
    private let closing = Mutex(Closing())

    var isUsable: Bool { self.usable.load(ordering: .acquiring) }
    var inFlight: Int { self.pending.load(ordering: .relaxed) }

    func setInFlight(_ count: Int) {
        self.pending.store(count, ordering: .relaxed)
    }

    func addObserver(_ observer: @escaping @Sendable (PostgresError?) -> Void) {
        let closedWith: PostgresError?? = self.closing.withLock { state in
            if state.closed { return .some(state.cause) }
            state.observers.append(observer)
            return .none
        }
        if case .some(let cause) = closedWith {
            observer(cause)
        }
    }

    /// Marks the connection unusable; returns the observers to call, once.
    func markClosed(cause: PostgresError?) -> [@Sendable (PostgresError?) -> Void] {
        self.usable.store(false, ordering: .releasing)
        self.pending.store(0, ordering: .relaxed)
        return self.closing.withLock { state in
            guard !state.closed else { return [] }
            state.closed = true
            state.cause = cause
            defer { state.observers.removeAll() }
            return state.observers
        }
    }
}
