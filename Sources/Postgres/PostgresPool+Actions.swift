import Reactor
import Telemetry

/// The shell around `PoolStateMachine`: performs its actions on the loop and feeds what
/// happened back in as events.
extension PostgresPool {
    func perform(_ actions: [PoolStateMachine.Action]) {
        for action in actions {
            switch action {
            case .open(let id):
                self.open(id)
            case .lease(let request, let id):
                self.hand(id, to: request)
            case .fail(let request, let failure):
                self.waiting.removeValue(forKey: request)?.continuation
                    .resume(returning: .failure(self.error(for: failure)))
            case .close(let id):
                self.closeConnection(id)
            case .ping(let id):
                self.ping(id)
            case .schedule(let timer, let after):
                self.schedule(timer, after: after)
            case .cancel(let timer):
                if let id = self.timers.removeValue(forKey: timer) { self.loop.cancel(id) }
            }
        }

        if self.machine.isShutDown && self.machine.slots.isEmpty && !self.closeWaiters.isEmpty {
            let waiters = self.closeWaiters
            self.closeWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    private func hand(_ id: PoolConnectionID, to request: PoolRequestID) {
        guard let waiter = self.waiting.removeValue(forKey: request) else {
            // Nobody is listening for this lease (cannot happen while waiters register in
            // the step that asks the machine); returning it keeps the connection from leaking.
            self.logger.error("pool: a lease had no waiter", [("db.connection", .string("\(id)"))])
            let use: PoolStateMachine.Use =
                self.machine.slots.contains { $0.id == id && $0.state == .leased(request) }
                ? .exclusive : .shared
            self.perform(self.machine.release(id, use: use, discard: false, now: Monotonic.now()))
            return
        }

        guard let connection = self.connections[id] else {
            let error = PostgresError(
                code: .connectionClosed, message: "pool: the connection closed as it was handed out"
            )
            waiter.continuation.resume(returning: .failure(error))
            return
        }
        waiter.continuation.resume(
            returning: .success(PoolLease(connection: connection, id: id, use: waiter.use)))
    }

    private func open(_ id: PoolConnectionID) {
        Task {
            do throws(PostgresError) {
                let connection = try await PostgresConnection.connect(
                    self.configuration.connection, on: self.loop, logger: self.logger)
                self.connections[id] = connection
                connection.onClose { [weak self] _ in
                    guard let self else { return }
                    self.loop.execute { self.assumeIsolated { $0.connectionClosed(id) } }
                }
                self.logger.debug("connection opened", [("db.connection", .string("\(id)"))])
                self.perform(self.machine.connectionOpened(id, now: Monotonic.now()))
            } catch {
                self.logger.debug(
                    "connection failed",
                    [("db.connection", .string("\(id)")), ("db.error", .string(error.message))])
                self.perform(
                    self.machine.connectionFailed(id, error: error.message, now: Monotonic.now()))
            }
        }
    }

    private func connectionClosed(_ id: PoolConnectionID) {
        guard self.connections.removeValue(forKey: id) != nil else { return }

        self.logger.debug("connection closed", [("db.connection", .string("\(id)"))])
        self.perform(self.machine.connectionClosed(id, now: Monotonic.now()))
    }

    private func closeConnection(_ id: PoolConnectionID) {
        guard let connection = self.connections[id] else {
            self.perform(self.machine.connectionClosed(id, now: Monotonic.now()))
            return
        }

        Task {
            await connection.close()
            self.connectionClosed(id)
        }
    }

    /// Checks an idle connection; on a read-write pool, a server in recovery fails the check.
    private func ping(_ id: PoolConnectionID) {
        guard let connection = self.connections[id] else { return }

        let writable = self.configuration.requiresWritableServer
        Task {
            var healthy = false
            do throws(PostgresError) {
                let rows = try await connection.query("SELECT pg_is_in_recovery()")
                let inRecovery = try rows.first?.decode(Bool.self, at: 0) ?? true
                healthy = !(writable && inRecovery)
            } catch {
                self.logger.debug("keep-alive failed", [("db.error", .string(error.message))])
            }
            self.perform(self.machine.pingFinished(id, healthy: healthy, now: Monotonic.now()))
        }
    }

    private func schedule(_ timer: PoolStateMachine.Timer, after nanoseconds: Int64) {
        var delay = nanoseconds
        if timer == .reconnect {
            delay = Int64(Double(nanoseconds) * Double.random(in: 0.75...1.25))
        }

        // The loop runs timer actions while it walks its timer queue, where scheduling or
        // cancelling another timer is not allowed, so the event is handled on the next turn.
        let id = self.loop.schedule(after: .nanoseconds(delay)) { [weak self] in
            guard let self else { return }
            self.loop.execute {
                self.assumeIsolated { pool in
                    pool.timers.removeValue(forKey: timer)
                    pool.perform(pool.machine.timerFired(timer, now: Monotonic.now()))
                }
            }
        }
        self.timers[timer] = id
    }

    /// The error a turned-away caller receives.
    func error(for failure: PoolStateMachine.Failure) -> PostgresError {
        switch failure {
        case .exhausted(let waited, let maximum, let lastConnectError):
            let timeout = self.configuration.acquireTimeout.nanoseconds / 1_000_000
            var message =
                "pool: no connection became available within the acquire timeout of \(timeout) ms"
                + " (waited \(waited / 1_000_000) ms; maximum \(maximum) connections,"
                + " \(self.machine.statistics.open) open)"
            if let lastConnectError { message += "; last connect attempt: \(lastConnectError)" }
            return PostgresError(
                code: .poolExhausted, message: message,
                host: self.configuration.connection.hostsDescription)
        case .unreachable(let lastConnectError):
            return PostgresError(
                code: .connectionFailed,
                message: "pool: no server can be reached now (\(lastConnectError)); the pool "
                    + "keeps trying and the next caller gets a connection once one answers",
                host: self.configuration.connection.hostsDescription)
        case .cancelled:
            return PostgresError(
                code: .cancelled, message: "pool: the calling task was cancelled while waiting")
        case .shutDown:
            return PostgresError(code: .connectionClosed, message: "pool: the pool is closed")
        }
    }
}
