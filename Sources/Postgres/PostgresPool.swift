import Reactor
import Telemetry

/// A pool of connections to one PostgreSQL service, bound to one event loop.
///
/// Autocommit queries (`query(_:)`) are pipelined onto the least-loaded connection, so
/// many concurrent callers share few connections; transactions and `withConnection` lease a
/// connection alone. Broken connections are dropped and replaced, idle ones above the
/// minimum are closed, and on a read-write pool a server that has become a standby is left
/// so that new connections find the new primary. The pool's state lives on its loop (the
/// actor's executor is the loop), where its connections live too, so a query from a task on
/// that loop never changes thread. An API node with several loops makes one pool per loop.
public actor PostgresPool {
    public nonisolated let loop: EventLoop
    public nonisolated let configuration: PostgresPoolConfiguration
    let logger: Logger

    var machine: PoolStateMachine
    var connections: [PoolConnectionID: PostgresConnection] = [:]
    var waiting: [PoolRequestID: PoolWaiter] = [:]
    var timers: [PoolStateMachine.Timer: TimerID] = [:]
    var nextRequest = 0
    var closeWaiters: [UnsafeContinuation<Void, Never>] = []

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        self.loop.asUnownedSerialExecutor()
    }

    /// Creates the pool and starts opening its minimum connections on `loop`.
    public init(
        configuration: PostgresPoolConfiguration, on loop: EventLoop, logger: Logger
    ) throws(PostgresError) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger.with("db.pool", .string(configuration.connection.hostsDescription))
        self.machine = PoolStateMachine(limits: try configuration.limits())
        self.loop.execute { [self] in
            self.assumeIsolated { pool in
                pool.perform(pool.machine.start(now: Monotonic.now()))
            }
        }
    }

    /// What the pool holds now: open, idle, leased and opening connections, waiting callers
    /// and queries in flight.
    public var statistics: PoolStatistics {
        self.machine.statistics
    }

    /// Runs one autocommit statement, pipelined with other callers' statements on a shared
    /// connection.
    public func query(_ query: PostgresQuery) async throws(PostgresError) -> PostgresRows {
        let lease: PoolLease
        switch self.requestLease(.shared) {
        case .leased(let leased):
            lease = leased
        case .waiting(let request, let actions):
            lease = try await self.wait(for: request, use: .shared, actions: actions)
        }

        do {
            let rows = try await lease.connection.query(query)
            self.release(lease, discard: false)
            return rows
        } catch {
            self.release(lease, discard: self.shouldDiscard(after: error))
            throw error
        }
    }

    /// Closes the pool: waiting callers are turned away, idle connections closed, and leased
    /// ones closed when returned. Returns once every connection is closed.
    public func close() async {
        self.perform(self.machine.shutDown(now: Monotonic.now()))
        guard !self.machine.slots.isEmpty else { return }

        await withUnsafeContinuation { self.closeWaiters.append($0) }
    }

    // MARK: Leases

    /// Takes a connection for `use`, waiting at most the acquire timeout.
    func acquire(_ use: PoolStateMachine.Use) async throws(PostgresError) -> PoolLease {
        switch self.requestLease(use) {
        case .leased(let lease):
            return lease
        case .waiting(let request, let actions):
            return try await self.wait(for: request, use: use, actions: actions)
        }
    }

    /// Asks the state machine for a connection: leased at once, or the caller must wait.
    /// Kept synchronous so that the common case of `query(_:)` costs no extra async frame.
    func requestLease(_ use: PoolStateMachine.Use) -> LeaseRequest {
        let request = PoolRequestID(raw: self.nextRequest)
        self.nextRequest += 1

        var actions = self.machine.acquire(request, use: use, now: Monotonic.now())
        if case .lease(request, let id) = actions.first, let connection = self.connections[id] {
            actions.removeFirst()
            self.perform(actions)
            return .leased(PoolLease(connection: connection, id: id, use: use))
        }
        return .waiting(request, actions)
    }

    /// Waits for the lease the state machine will hand to `request`, performing `actions`
    /// (the machine's answer to the request) once the caller is registered as waiting.
    func wait(
        for request: PoolRequestID, use: PoolStateMachine.Use, actions: [PoolStateMachine.Action]
    ) async throws(PostgresError) -> PoolLease {
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                self.waiting[request] = PoolWaiter(use: use, continuation: continuation)
                self.perform(actions)
            }
        } onCancel: {
            self.loop.execute {
                self.assumeIsolated { $0.perform($0.machine.cancelAcquire(request)) }
            }
        }
        return try result.get()
    }

    /// Gives a lease back; `discard` drops its connection instead of reusing it.
    func release(_ lease: PoolLease, discard: Bool) {
        let discard = discard || !lease.connection.isUsable
        self.perform(
            self.machine.release(lease.id, use: lease.use, discard: discard, now: Monotonic.now()))
    }

    /// Whether `error` means the connection should not be used again: it is gone, or a
    /// read-write pool's server has become read-only (a demoted primary).
    nonisolated func shouldDiscard(after error: PostgresError) -> Bool {
        if error.isConnectionLoss { return true }
        return error.isReadOnlyTransaction && self.configuration.requiresWritableServer
    }
}

/// The state machine's answer to a request for a connection.
enum LeaseRequest {
    case leased(PoolLease)
    case waiting(PoolRequestID, [PoolStateMachine.Action])
}

/// A caller waiting for a connection.
struct PoolWaiter {
    let use: PoolStateMachine.Use
    let continuation: UnsafeContinuation<Result<PoolLease, PostgresError>, Never>
}

/// A connection handed to one caller, and how it was handed out.
struct PoolLease: Sendable {
    let connection: PostgresConnection
    let id: PoolConnectionID
    let use: PoolStateMachine.Use
}
