import CPostgres
import Reactor
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A connection libpq has established, in pipeline mode and non-blocking, ready to be
/// handed to the `PostgresConnection` that will own it.
struct EstablishedConnection: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Drives `PQconnectPoll` on the event loop until libpq has a connection or gives up.
///
/// libpq may close its socket and open another between polls (when it moves on to the
/// next host of a multi-host string, or retries without TLS), so the socket is watched
/// afresh after every poll. The connect timeout is ours: libpq honours `connect_timeout`
/// only in its blocking calls. With several hosts and a `connect_timeout`, a host that
/// takes longer is left and the attempt starts again from the next one, so a server that
/// hangs (or whose packets are dropped) does not hide the one after it.
///
/// Known shortcoming: libpq resolves host names inside `PQconnectStartParams` and
/// `PQconnectPoll`, which blocks the loop for as long as DNS takes; configurations should
/// name hosts that resolve locally (addresses, /etc/hosts).
final class Connector: IOHandler, @unchecked Sendable {
    private typealias Waiter = UnsafeContinuation<
        Result<EstablishedConnection, PostgresError>, Never
    >

    private let loop: EventLoop
    private let parameters: [(keyword: String, value: String)]
    private let timeout: Duration
    private let hosts: String
    private let hostList: ConnectHosts?
    private var connection: OpaquePointer?
    private var socket: Int32 = -1
    private var timer: TimerID?
    private var hostTimer: TimerID?
    /// The position in `hostList` the current attempt started from.
    private var firstHost = 0
    private var continuation: Waiter?

    init(
        loop: EventLoop, parameters: [(keyword: String, value: String)], timeout: Duration,
        hosts: String
    ) {
        self.loop = loop
        self.parameters = parameters
        self.timeout = timeout
        self.hosts = hosts
        self.hostList = ConnectHosts(parameters).flatMap { $0.perHost == nil ? nil : $0 }
    }

    /// Connects, or fails with `connectionFailed`, `timeout` or `cancelled`.
    func establish() async throws(PostgresError) -> EstablishedConnection {
        guard !Task.isCancelled else {
            throw PostgresError(
                code: .cancelled, message: "connecting was cancelled", host: self.hosts)
        }
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                self.loop.execute { self.start(continuation) }
            }
        } onCancel: {
            self.loop.execute {
                self.fail(
                    PostgresError(
                        code: .cancelled, message: "connecting was cancelled", host: self.hosts))
            }
        }
        return try result.get()
    }

    func handle(_ events: IOEvents) {
        self.poll()
    }

    private func start(
        _ continuation: UnsafeContinuation<Result<EstablishedConnection, PostgresError>, Never>
    ) {
        self.continuation = continuation
        self.timer = self.loop.schedule(after: self.timeout) { [self] in
            self.timer = nil
            self.fail(
                PostgresError(
                    code: .timeout, message: "could not connect within \(self.timeout)",
                    host: self.hosts))
        }
        self.begin(self.parameters)
    }

    /// Starts libpq connecting with `parameters` and, for a multi-host string, the clock of
    /// the host it tries first.
    private func begin(_ parameters: [(keyword: String, value: String)]) {
        self.connection = Self.startConnecting(parameters)
        guard let connection = self.connection, PQstatus(connection) != CONNECTION_BAD else {
            self.fail(self.connectionError("libpq could not start connecting"))
            return
        }
        self.scheduleHostTimeout()
        // Before the first poll libpq wants the socket to be writable.
        self.watch(.writable)
    }

    private func scheduleHostTimeout() {
        guard let perHost = self.hostList?.perHost else { return }
        if let timer = self.hostTimer { self.loop.cancel(timer) }
        self.hostTimer = self.loop.schedule(after: perHost) { [self] in
            self.hostTimer = nil
            self.hostTimedOut()
        }
    }

    /// The host being tried took the whole `connect_timeout`: start again from the next
    /// one, or fail when it was the last.
    private func hostTimedOut() {
        guard let list = self.hostList, let perHost = list.perHost,
            let connection = self.connection, self.continuation != nil
        else { return }
        let host = PQhost(connection).map { String(cString: $0) } ?? ""
        let port = PQport(connection).map { String(cString: $0) } ?? ""
        guard let index = list.index(host: host, port: port, from: self.firstHost),
            index + 1 < list.hosts.count
        else {
            self.fail(
                PostgresError(
                    code: .timeout,
                    message: "no host answered within connect_timeout (\(perHost)) each",
                    host: self.hosts))
            return
        }

        if self.socket >= 0 {
            self.loop.deregister(self.socket)
            self.socket = -1
        }
        PQfinish(connection)
        self.connection = nil
        self.firstHost = index + 1
        self.begin(list.parameters(self.parameters, from: index + 1))
    }

    private func poll() {
        guard let connection = self.connection else { return }

        switch PQconnectPoll(connection) {
        case PGRES_POLLING_OK:
            self.succeed(connection)
        case PGRES_POLLING_READING:
            self.watch(.readable)
        case PGRES_POLLING_WRITING:
            self.watch(.writable)
        default:
            self.fail(self.connectionError("the connection attempt failed"))
        }
    }

    private func watch(_ interest: IOEvents) {
        guard let connection = self.connection else { return }
        if self.socket >= 0 {
            self.loop.deregister(self.socket)
        }
        self.socket = PQsocket(connection)
        guard self.socket >= 0 else {
            self.fail(self.connectionError("libpq has no socket"))
            return
        }
        do {
            try self.loop.register(self.socket, interest: interest, handler: self)
        } catch {
            self.fail(PostgresError(code: .connectionFailed, message: "\(error)", host: self.hosts))
        }
    }

    private func succeed(_ connection: OpaquePointer) {
        guard PQsetnonblocking(connection, 1) == 0, PQenterPipelineMode(connection) == 1 else {
            self.fail(self.connectionError("could not enter non-blocking pipeline mode"))
            return
        }
        self.stopWatching()
        self.connection = nil
        self.continuation?.resume(returning: .success(EstablishedConnection(pointer: connection)))
        self.continuation = nil
    }

    private func fail(_ error: PostgresError) {
        guard let continuation = self.continuation else { return }
        self.stopWatching()
        if let connection = self.connection {
            PQfinish(connection)
            self.connection = nil
        }
        self.continuation = nil
        continuation.resume(returning: .failure(error))
    }

    private func stopWatching() {
        if self.socket >= 0 {
            self.loop.deregister(self.socket)
            self.socket = -1
        }
        if let timer = self.timer {
            self.loop.cancel(timer)
            self.timer = nil
        }
        if let timer = self.hostTimer {
            self.loop.cancel(timer)
            self.hostTimer = nil
        }
    }

    private func connectionError(_ fallback: String) -> PostgresError {
        PostgresError(
            code: .connectionFailed, connection: self.connection, fallback: fallback,
            host: self.hosts)
    }

    private static func startConnecting(
        _ parameters: [(keyword: String, value: String)]
    ) -> OpaquePointer? {
        let keywords = parameters.map { strdup($0.keyword) }
        let values = parameters.map { strdup($0.value) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordArray = keywords.map { UnsafePointer<CChar>($0) } + [nil]
        let valueArray = values.map { UnsafePointer<CChar>($0) } + [nil]
        return PQconnectStartParams(keywordArray, valueArray, 0)
    }
}
