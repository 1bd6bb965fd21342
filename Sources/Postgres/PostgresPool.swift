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
        let lease = try await self.acquire(.shared)

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

    /// Takes a connection for `use`: at once when one is free, else by waiting at most the
    /// acquire timeout.
    func acquire(_ use: PoolStateMachine.Use) async throws(PostgresError) -> PoolLease {
        let request = PoolRequestID(raw: self.nextRequest)
        self.nextRequest += 1

        if let lease = self.leaseAtOnce(request, use: use) {
            return lease
        }
        return try await self.wait(for: request, use: use)
    }

    /// The common case, kept synchronous so that it costs no suspension: a free connection
    /// is leased without a waiter being recorded anywhere.
    private func leaseAtOnce(_ request: PoolRequestID, use: PoolStateMachine.Use) -> PoolLease? {
        guard var actions = self.machine.leaseAtOnce(request, use: use, now: Monotonic.now()),
            case .lease(request, let id) = actions.first
        else { return nil }

        guard let connection = self.connections[id] else {
            // The machine's slot has no live connection behind it; give it back and wait.
            self.perform(self.machine.release(id, use: use, discard: true, now: Monotonic.now()))
            return nil
        }
        actions.removeFirst()
        self.perform(actions)
        return PoolLease(connection: connection, id: id, use: use)
    }

    /// Waits for the lease the state machine will hand to `request`.
    ///
    /// The waiter is registered here and the machine asked in the same synchronous step:
    /// the executor may run other jobs of this actor before the continuation's body, and a
    /// connection released meanwhile must not be handed to a caller not yet listening.
    private func wait(
        for request: PoolRequestID, use: PoolStateMachine.Use
    ) async throws(PostgresError) -> PoolLease {
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                guard !Task.isCancelled else {
                    let cancelled = self.error(for: PoolStateMachine.Failure.cancelled)
                    continuation.resume(returning: Result<PoolLease, PostgresError>.failure(cancelled))
                    return
                }
                self.waiting[request] = PoolWaiter(use: use, continuation: continuation)
                self.perform(self.machine.acquire(request, use: use, now: Monotonic.now()))
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
