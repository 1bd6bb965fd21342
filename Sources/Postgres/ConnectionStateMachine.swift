/// The bookkeeping of one connection in pipeline mode, as a value type: which requests
/// wait to be sent, which are in flight and which results belong to whom. Events go in
/// (a result arrived, a caller gave up), effects come out; the connection does the I/O.
///
/// Every caller's statement travels in its own sync segment, `[Parse] Bind/Execute Sync`,
/// so a failure aborts only that caller's segment. Results come back in order: for each
/// command its results and an end marker, then the segment's sync.
struct ConnectionStateMachine<Waiter, Output> {
    typealias Stage = ExchangeStage
    typealias StatementKey = PreparedStatementKey

    enum Work {
        /// Prepared once per connection (cached by text and parameter types), then executed.
        case statement(PostgresQuery)
        /// Executed without preparing, for one-off statements such as LISTEN.
        case unnamed(PostgresQuery)
        /// Several statements in the simple query protocol, outside pipeline mode.
        case script(String)
    }

    struct Request {
        let id: UInt64
        let waiter: Waiter
        let work: Work
    }

    /// What the connection should hand to libpq next.
    enum Outgoing {
        case statement(PostgresQuery, name: String, prepare: Bool)
        case unnamed(PostgresQuery)
        case script(String)
    }

    /// What libpq's `PQgetResult` returned, classified.
    enum Event {
        case success(Output)
        case failure(PostgresError)
        /// PGRES_PIPELINE_ABORTED: skipped because an earlier command of the segment failed.
        case aborted
        /// A NULL result: the current command's results are complete.
        case end
        /// PGRES_PIPELINE_SYNC: the segment is complete.
        case sync
    }

    /// What the connection must do after an event.
    struct Effects {
        /// A caller whose request completed, and its outcome.
        var completed: (waiter: Waiter, result: Result<Output?, PostgresError>)?
        /// Ask the server to cancel what it runs now, for a caller that gave up.
        var cancelRunning = false
        /// Queued requests can be sent now.
        var sendQueued = false
        /// A script finished: enter pipeline mode again.
        var enterPipeline = false
        /// libpq produced something out of order; the connection cannot be trusted.
        var violation: PostgresError?
    }

    enum CancelOutcome {
        /// Not sent yet: the caller can be failed at once.
        case failNow(Waiter)
        /// Running now: ask the server to cancel it.
        case cancelRunning
        /// In flight behind others, or already done: nothing to do now.
        case none
    }

    enum Phase {
        case pipeline
        /// A script waits at the front of the queue for the pipeline to empty.
        case draining
        case script
        case closed(PostgresError)
    }

    private struct Exchange {
        let id: UInt64
        let waiter: Waiter
        var stage: Stage
        var statement: StatementKey?
        var statementName: String?
        var output: Output?
        var error: PostgresError?
        var cancelRequested = false
    }

    private(set) var phase = Phase.pipeline
    private var queued = FIFO<Request>()
    private var inFlight = FIFO<Exchange>()
    private var statements: [StatementKey: String] = [:]
    /// Prepares that failed while later requests already relied on them, by name.
    private var failedPrepares: [String: PostgresError] = [:]
    private var statementCounter = 0
    /// Beyond this many cached statements, new ones run unprepared.
    let statementCacheLimit: Int

    init(statementCacheLimit: Int = 1024) {
        self.statementCacheLimit = statementCacheLimit
    }

    /// Requests queued or in flight.
    var pendingCount: Int { self.queued.count + self.inFlight.count }

    /// Whether libpq owes results, so that reading them makes sense.
    var expectsResults: Bool { !self.inFlight.isEmpty }

    /// Whether some queued request could be handed to libpq now.
    var canSend: Bool {
        switch self.phase {
        case .pipeline, .draining: !self.queued.isEmpty
        case .script, .closed: false
        }
    }

    /// The number of statements prepared (or being prepared) on the connection.
    var cachedStatementCount: Int { self.statements.count }

    /// Queues a request; returns the error to fail it with if the connection is closed.
    mutating func enqueue(_ request: Request) -> PostgresError? {
        if case .closed(let error) = self.phase { return error }
        self.queued.append(request)
        return nil
    }

    /// Takes the next request to send, or nil when nothing can be sent now.
    mutating func nextOutgoing() -> Outgoing? {
        guard self.canSend, let request = self.queued.first else { return nil }

        switch request.work {
        case .script(let sql):
            guard self.inFlight.isEmpty else {
                self.phase = .draining
                return nil
            }
            _ = self.queued.popFirst()
            self.phase = .script
            self.inFlight.append(Exchange(id: request.id, waiter: request.waiter, stage: .script))
            return .script(sql)

        case .unnamed(let query):
            _ = self.queued.popFirst()
            self.phase = .pipeline
            self.inFlight.append(Exchange(id: request.id, waiter: request.waiter, stage: .execute))
            return .unnamed(query)

        case .statement(let query):
            _ = self.queued.popFirst()
            self.phase = .pipeline
            let key = StatementKey(sql: query.sql, types: query.binds.types)
            var exchange = Exchange(id: request.id, waiter: request.waiter, stage: .execute)
            exchange.statement = key
            if let name = self.statements[key] {
                exchange.statementName = name
                self.inFlight.append(exchange)
                return .statement(query, name: name, prepare: false)
            }
            guard self.statements.count < self.statementCacheLimit else {
                self.inFlight.append(exchange)
                return .unnamed(query)
            }
            self.statementCounter += 1
            let name = "s\(self.statementCounter)"
            self.statements[key] = name
            exchange.stage = .prepare
            exchange.statementName = name
            self.inFlight.append(exchange)
            return .statement(query, name: name, prepare: true)
        }
    }

    /// Takes in the next thing libpq returned.
    mutating func receive(_ event: Event) -> Effects {
        guard var head = self.inFlight.first else {
            return Self.violation("a result arrived while no request was in flight")
        }

        switch (head.stage, event) {
        case (.prepare, .success):
            break
        case (.prepare, .failure(let error)):
            self.forgetStatement(head)
            self.failedPrepares[head.statementName ?? ""] = error
            head.error = head.error ?? error
        case (.prepare, .aborted):
            self.forgetStatement(head)
        case (.prepare, .end):
            head.stage = .execute

        case (.execute, .success(let output)), (.script, .success(let output)):
            head.output = output
        case (.execute, .failure(let error)), (.script, .failure(let error)):
            head.error = head.error ?? self.substitute(error, for: head)
            if error.sqlState == "26000" {
                // Someone ran DEALLOCATE or DISCARD: prepare the text afresh next time.
                self.forgetStatement(head)
            }
        case (.execute, .aborted):
            head.error =
                head.error
                ?? PostgresError(
                    code: .server,
                    message:
                        "the statement was skipped because an earlier one in its pipeline failed")
        case (.execute, .end):
            head.stage = .sync

        case (.sync, .sync):
            return self.complete()
        case (.script, .end):
            self.inFlight[0] = head
            var effects = self.complete()
            self.phase = .pipeline
            effects.enterPipeline = true
            effects.sendQueued = !self.queued.isEmpty
            return effects

        default:
            return Self.violation(
                "libpq returned \(event) while a request was at stage \(head.stage)")
        }

        self.inFlight[0] = head
        return Effects()
    }

    /// The caller of request `id` gave up.
    mutating func cancel(_ id: UInt64) -> CancelOutcome {
        if let offset = self.queued.firstOffset(where: { $0.id == id }) {
            return .failNow(self.queued.remove(at: offset).waiter)
        }
        guard let offset = self.inFlight.firstOffset(where: { $0.id == id }) else { return .none }
        self.inFlight[offset].cancelRequested = true
        return offset == 0 ? .cancelRunning : .none
    }

    /// The connection is gone: every waiting caller is returned with the error to fail it
    /// with, `error` unless the server already said why its own statement was cut short.
    mutating func close(_ error: PostgresError) -> [(waiter: Waiter, error: PostgresError)] {
        if case .closed = self.phase { return [] }
        self.phase = .closed(error)
        self.statements.removeAll()
        self.failedPrepares.removeAll()

        let inFlight = self.inFlight.removeAll().map { exchange in
            if let own = exchange.error, own.code == .connectionClosed {
                return (exchange.waiter, own)
            }
            return (exchange.waiter, error)
        }
        return inFlight + self.queued.removeAll().map { ($0.waiter, error) }
    }

    private mutating func complete() -> Effects {
        guard let head = self.inFlight.popFirst() else { return Effects() }

        var effects = Effects()
        if let error = head.error {
            effects.completed = (head.waiter, .failure(error))
        } else {
            effects.completed = (head.waiter, .success(head.output))
        }

        if self.inFlight.isEmpty {
            self.failedPrepares.removeAll()
            if case .draining = self.phase { effects.sendQueued = true }
        } else if self.inFlight[0].cancelRequested {
            effects.cancelRunning = true
        }
        return effects
    }

    /// A failed prepare is not cached, so the next caller prepares the text again.
    private mutating func forgetStatement(_ exchange: Exchange) {
        guard let key = exchange.statement, self.statements[key] == exchange.statementName else {
            return
        }
        self.statements[key] = nil
    }

    /// Gives the error its caller-facing code: a cancellation the caller asked for, and the
    /// original error for a statement whose shared prepare failed before it ran.
    private func substitute(_ error: PostgresError, for exchange: Exchange) -> PostgresError {
        var error = error
        if let name = exchange.statementName, let original = self.failedPrepares[name] {
            error = original
        }
        if exchange.cancelRequested && error.sqlState == "57014" {
            error.code = .cancelled
        }
        return error
    }

    private static func violation(_ message: String) -> Effects {
        var effects = Effects()
        effects.violation = PostgresError(code: .protocolViolation, message: message)
        return effects
    }
}

/// Where a request in flight stands. Kept outside the generic state machine, as is the
/// statement key, so that their metadata, hashing and the statement cache's dictionary are
/// concrete rather than resolved at run time for every query.
enum ExchangeStage {
    case prepare, execute, sync, script
}

/// A prepared statement's identity on one connection: its text and parameter types.
struct PreparedStatementKey: Hashable {
    let sql: String
    let types: [UInt32]
}
