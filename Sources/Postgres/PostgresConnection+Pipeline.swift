import CPostgres
import Reactor

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Who waits for a request's outcome.
enum ResultWaiter {
    case caller(UnsafeContinuation<Result<PostgresRows?, PostgresError>, Never>)
    /// Nobody: the connection sent it for itself (an UNLISTEN, say).
    case nobody

    func resume(_ result: Result<PostgresRows?, PostgresError>) {
        if case .caller(let continuation) = self {
            continuation.resume(returning: result)
        }
    }
}

extension PostgresConnection {
    typealias Machine = ConnectionStateMachine<ResultWaiter, PostgresRows>

    /// Refuses what libpq would send wrongly: too many parameters, or a NUL in the text,
    /// which C strings would silently cut short.
    func check(_ query: PostgresQuery) throws(PostgresError) {
        var problem: String?
        if query.binds.count > Int(UInt16.max) {
            problem = "a statement takes at most 65535 parameters, not \(query.binds.count)"
        } else if Self.containsNUL(query.sql) {
            problem = "the statement text contains a NUL character"
        } else if let index = query.binds.firstValueWithNUL {
            problem = "parameter $\(index) contains a NUL character, which text cannot hold"
        }
        if let problem {
            throw PostgresError(
                code: .invalidArgument, message: problem, host: self.hostDescription)
        }
    }

    /// Whether `text` holds a NUL byte, scanned with `memchr` over the string's own storage
    /// (this runs for every statement, so the byte-by-byte sequence scan showed in profiles).
    nonisolated static func containsNUL(_ text: String) -> Bool {
        let found = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
            return memchr(base, 0, bytes.count) != nil
        }
        return found ?? text.utf8.contains(0)
    }

    /// Queues a request; it is sent with the others queued in this turn of the loop.
    func submit(_ work: Machine.Work, id: UInt64, waiter: ResultWaiter) {
        if case .caller = waiter, Task.isCancelled {
            waiter.resume(.failure(.cancelled(host: self.hostDescription)))
            return
        }
        if let error = self.machine.enqueue(Machine.Request(id: id, waiter: waiter, work: work)) {
            waiter.resume(.failure(error))
            return
        }
        self.status.setInFlight(self.machine.pendingCount)
        self.scheduleSend()
    }

    /// Sends what is queued at the end of this turn of the loop, so that the requests of
    /// many callers leave in one write.
    func scheduleSend() {
        guard !self.sendScheduled else { return }
        self.sendScheduled = true
        self.loop.execute {
            self.assumeIsolated { $0.sendQueued() }
        }
    }

    func sendQueued() {
        self.sendScheduled = false
        guard let connection = self.connection else { return }

        while let outgoing = self.machine.nextOutgoing() {
            guard self.send(outgoing, on: connection) else {
                self.connectionLost("could not send the statement")
                return
            }
        }
        self.flushOutput()
        self.processBufferedInput()
    }

    /// Hands one request to libpq, followed by its own sync point.
    private func send(_ outgoing: Machine.Outgoing, on connection: OpaquePointer) -> Bool {
        switch outgoing {
        case .statement(let query, let name, let prepare):
            let count = Int32(query.binds.count)
            if prepare {
                let prepared = query.binds.types.withUnsafeBufferPointer { types in
                    PQsendPrepare(connection, name, query.sql, count, types.baseAddress)
                }
                guard prepared == 1 else { return false }
            }
            let sent = query.binds.withParameters { values, lengths, formats in
                PQsendQueryPrepared(connection, name, count, values, lengths, formats, 1)
            }
            return sent == 1 && PipelineSync.send(connection)

        case .unnamed(let query):
            let count = Int32(query.binds.count)
            let sent = query.binds.types.withUnsafeBufferPointer { types in
                query.binds.withParameters { values, lengths, formats in
                    PQsendQueryParams(
                        connection, query.sql, count, types.baseAddress, values, lengths, formats, 1
                    )
                }
            }
            return sent == 1 && PipelineSync.send(connection)

        case .script(let sql):
            guard PQexitPipelineMode(connection) == 1 else { return false }
            return PQsendQuery(connection, sql) == 1
        }
    }

    /// Pushes libpq's output buffer to the socket, watching for writability while the
    /// kernel cannot take it all.
    func flushOutput() {
        guard let connection = self.connection else { return }

        let result = PQflush(connection)
        guard result >= 0 else {
            self.connectionLost("could not send to the server")
            return
        }
        self.watchWritable(result == 1)
    }

    private func watchWritable(_ wanted: Bool) {
        guard wanted != self.watchingWritable, self.connection != nil else { return }
        self.watchingWritable = wanted
        do {
            try self.loop.reregister(
                self.socket, interest: wanted ? [.readable, .writable] : .readable)
        } catch {
            self.connectionLost("could not watch the socket: \(error)")
        }
    }

    func socketReady(_ events: IOEvents) {
        if events.contains(.readable) || events.contains(.hangup) {
            self.readInput()
        }
        if events.contains(.writable) {
            self.flushOutput()
            self.processBufferedInput()
        }
    }

    /// Passes on results and notifications libpq already holds. While it cannot write,
    /// libpq reads what the server sent (so that neither side blocks the other), and
    /// that input no longer makes the socket readable: it must be looked at after every
    /// send and flush, not only when the socket is readable.
    private func processBufferedInput() {
        self.readResults()
        self.deliverNotifications()
    }

    private func readInput() {
        guard let connection = self.connection else { return }
        guard PQconsumeInput(connection) == 1, PQstatus(connection) != CONNECTION_BAD else {
            self.connectionLost("the server closed the connection")
            return
        }

        self.processBufferedInput()
        if self.connection != nil && self.machine.canSend {
            self.sendQueued()
        }
    }

    /// Takes every result libpq has complete and passes it to its caller. Stops when
    /// nothing more is owed, libpq needs more input, or the connection was closed.
    private func readResults() {
        while self.machine.expectsResults, let connection = self.connection {
            guard PQstatus(connection) != CONNECTION_BAD else {
                self.connectionLost("the connection to the server was lost")
                return
            }
            guard PQisBusy(connection) == 0 else { return }

            guard let event = self.classify(PQgetResult(connection), on: connection) else {
                continue
            }
            self.apply(self.machine.receive(event))
        }
    }

    private func classify(
        _ result: OpaquePointer?, on connection: OpaquePointer
    ) -> Machine.Event? {
        guard let result else { return .end }

        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return .success(PostgresRows(storage: ResultStorage(result)))
        case PGRES_PIPELINE_SYNC:
            PQclear(result)
            return .sync
        case PGRES_PIPELINE_ABORTED:
            PQclear(result)
            return .aborted
        case PGRES_COPY_IN:
            // Scripts may not feed COPY FROM STDIN: end it, and the server reports an error.
            PQclear(result)
            let message = "COPY FROM STDIN is not supported by this connection"
            guard PQputCopyEnd(connection, message) == 1 else {
                self.connectionLost("could not end COPY FROM STDIN")
                return nil
            }
            self.flushOutput()
            return nil
        case PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // libpq stays in COPY state until the data is read: the session cannot go on.
            PQclear(result)
            let error = PostgresError(
                code: .unsupported,
                message: "COPY TO STDOUT is not supported by this connection, which is closed",
                host: self.hostDescription)
            self.shutdown(error, cause: error)
            return nil
        default:
            let error = PostgresError(result: result, host: self.hostDescription)
            PQclear(result)
            return .failure(error)
        }
    }

    private func apply(_ effects: Machine.Effects) {
        if let violation = effects.violation {
            var error = violation
            error.host = self.hostDescription
            self.shutdown(error, cause: error)
            return
        }
        if let (waiter, result) = effects.completed {
            self.status.setInFlight(self.machine.pendingCount)
            waiter.resume(result)
        }
        if effects.enterPipeline, let connection = self.connection {
            guard PQenterPipelineMode(connection) == 1 else {
                self.connectionLost("could not enter pipeline mode again")
                return
            }
        }
        if effects.cancelRunning {
            self.canceller?.cancel()
        }
        if effects.sendQueued {
            self.scheduleSend()
        }
    }

    /// The caller of request `id` gave up: fail it now if it was not sent yet, otherwise
    /// ask the server to cancel it once it is the statement running.
    ///
    /// Known shortcoming: PostgreSQL cancels whatever the session runs when the cancel
    /// request arrives. If the statement finished just before, the next one in the pipeline
    /// (another caller's) is cancelled instead, and that caller sees a `timeout` error.
    func cancelRequest(_ id: UInt64) {
        switch self.machine.cancel(id) {
        case .failNow(let waiter):
            self.status.setInFlight(self.machine.pendingCount)
            waiter.resume(.failure(.cancelled(host: self.hostDescription)))
        case .cancelRunning:
            self.canceller?.cancel()
        case .none:
            break
        }
    }

    func connectionLost(_ fallback: String) {
        let error = PostgresError(
            code: .connectionClosed, connection: self.connection, fallback: fallback,
            host: self.hostDescription)
        self.shutdown(error, cause: error)
    }

    /// Closes the libpq connection, fails every pending caller with `error`, ends the
    /// notification sequences and tells the observers (`cause` is nil for a deliberate
    /// close).
    func shutdown(_ error: PostgresError, cause: PostgresError?) {
        guard let connection = self.connection else { return }
        self.connection = nil
        self.loop.deregister(self.socket)
        PQfinish(connection)

        let observers = self.status.markClosed(cause: cause)
        for (waiter, failure) in self.machine.close(error) {
            waiter.resume(.failure(failure))
        }
        self.finishListeners(cause)
        if let cause {
            self.logger.debug("postgres connection lost", [("db.error", .string(cause.message))])
        } else {
            self.logger.debug("postgres connection closed")
        }
        for observer in observers {
            observer(cause)
        }
    }
}
