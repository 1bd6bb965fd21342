import Testing

@testable import Postgres

/// The pipeline bookkeeping on its own: events in, effects out, no sockets.
@Suite("Connection state machine")
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<String, String>

    private func request(_ id: UInt64, _ work: Machine.Work) -> Machine.Request {
        Machine.Request(id: id, waiter: "caller \(id)", work: work)
    }

    private func statement(_ sql: String) -> Machine.Work {
        .statement(PostgresQuery(unsafeSQL: sql))
    }

    private func serverError(_ sqlState: String) -> PostgresError {
        PostgresError(code: .server, message: "failed", sqlState: sqlState)
    }

    /// Feeds `events` and returns who completed with what.
    private func feed(
        _ machine: inout Machine, _ events: [Machine.Event]
    ) -> [(String, Result<String?, PostgresError>)] {
        var completed: [(String, Result<String?, PostgresError>)] = []
        for event in events {
            let effects = machine.receive(event)
            #expect(effects.violation == nil, "\(event)")
            if let done = effects.completed { completed.append(done) }
        }
        return completed
    }

    @Test("the first use of a statement prepares it; later uses reuse the name")
    func preparesOnce() {
        var machine = Machine()
        #expect(machine.enqueue(self.request(1, self.statement("SELECT 1"))) == nil)
        #expect(machine.enqueue(self.request(2, self.statement("SELECT 1"))) == nil)
        #expect(machine.enqueue(self.request(3, self.statement("SELECT 2"))) == nil)

        guard case .statement(_, let first, true) = machine.nextOutgoing(),
            case .statement(_, let second, false) = machine.nextOutgoing(),
            case .statement(_, let third, true) = machine.nextOutgoing()
        else {
            Issue.record("unexpected outgoing sequence")
            return
        }
        #expect(first == second)
        #expect(third != first)
        #expect(machine.nextOutgoing() == nil)
        #expect(machine.pendingCount == 3)

        let completed = self.feed(
            &machine,
            [
                .success("prepared"), .end, .success("one"), .end, .sync,
                .success("one again"), .end, .sync,
                .success("prepared"), .end, .success("two"), .end, .sync,
            ])
        #expect(completed.map(\.0) == ["caller 1", "caller 2", "caller 3"])
        #expect(completed.map { try? $0.1.get() } == ["one", "one again", "two"])
        #expect(machine.pendingCount == 0)
        #expect(!machine.expectsResults)
    }

    @Test("a failed prepare is reported to everyone who relied on it and is not cached")
    func failedPrepare() {
        var machine = Machine()
        _ = machine.enqueue(self.request(1, self.statement("SELEC 1")))
        _ = machine.enqueue(self.request(2, self.statement("SELEC 1")))
        _ = machine.nextOutgoing()
        _ = machine.nextOutgoing()

        let completed = self.feed(
            &machine,
            [
                .failure(self.serverError("42601")), .end, .aborted, .end, .sync,
                .failure(self.serverError("26000")), .end, .sync,
            ])
        #expect(completed.count == 2)
        for (_, result) in completed {
            guard case .failure(let error) = result else {
                Issue.record("expected a failure")
                continue
            }
            #expect(error.sqlState == "42601")
        }
        #expect(machine.cachedStatementCount == 0)

        _ = machine.enqueue(self.request(3, self.statement("SELEC 1")))
        guard case .statement(_, _, true) = machine.nextOutgoing() else {
            Issue.record("the statement should be prepared again")
            return
        }
    }

    @Test("a script waits for the pipeline to drain and later requests wait for the script")
    func scriptDrainsPipeline() {
        var machine = Machine()
        _ = machine.enqueue(self.request(1, self.statement("SELECT 1")))
        _ = machine.enqueue(self.request(2, .script("CREATE TABLE t (x int); DROP TABLE t")))
        _ = machine.enqueue(self.request(3, self.statement("SELECT 3")))

        #expect(machine.nextOutgoing() != nil)
        #expect(machine.nextOutgoing() == nil, "the script must wait for request 1")

        var effects = machine.receive(.success("prepared"))
        effects = machine.receive(.end)
        effects = machine.receive(.success("one"))
        effects = machine.receive(.end)
        effects = machine.receive(.sync)
        #expect(effects.completed?.0 == "caller 1")
        #expect(effects.sendQueued)

        guard case .script = machine.nextOutgoing() else {
            Issue.record("the script should go next")
            return
        }
        #expect(machine.nextOutgoing() == nil, "nothing may be sent during a script")

        effects = machine.receive(.success("CREATE"))
        effects = machine.receive(.success("DROP"))
        effects = machine.receive(.end)
        #expect(effects.completed?.0 == "caller 2")
        #expect(effects.enterPipeline)
        #expect(effects.sendQueued)
        #expect(machine.nextOutgoing() != nil)
    }

    @Test("a script cancelled while it waits for the pipeline lets the others through")
    func cancelledScript() {
        var machine = Machine()
        _ = machine.enqueue(self.request(1, self.statement("SELECT 1")))
        _ = machine.enqueue(self.request(2, .script("VACUUM")))
        _ = machine.enqueue(self.request(3, self.statement("SELECT 3")))
        _ = machine.nextOutgoing()
        #expect(machine.nextOutgoing() == nil)
        guard case .failNow = machine.cancel(2) else {
            Issue.record("the waiting script fails at once")
            return
        }

        _ = self.feed(&machine, [.success("p"), .end, .success("one"), .end])
        #expect(machine.receive(.sync).sendQueued)
        #expect(
            machine.nextOutgoing()
                == .statement(PostgresQuery(unsafeSQL: "SELECT 3"), name: "s2", prepare: true))
        guard case .pipeline = machine.phase else {
            Issue.record("back to plain pipelining")
            return
        }
    }

    @Test("cancelling: unsent requests fail at once, the running one is cancelled on the server")
    func cancelling() {
        var machine = Machine()
        for id: UInt64 in 1...3 {
            _ = machine.enqueue(self.request(id, self.statement("SELECT \(id)")))
        }
        _ = machine.nextOutgoing()
        _ = machine.nextOutgoing()

        guard case .failNow(let waiter) = machine.cancel(3) else {
            Issue.record("an unsent request fails at once")
            return
        }
        #expect(waiter == "caller 3")
        guard case .none = machine.cancel(2) else {
            Issue.record("a request behind the running one waits its turn")
            return
        }
        guard case .cancelRunning = machine.cancel(1) else {
            Issue.record("the running request is cancelled on the server")
            return
        }

        let cancelled = PostgresError(
            code: .timeout, message: "canceling statement", sqlState: "57014")
        _ = self.feed(&machine, [.success("p"), .end, .failure(cancelled), .end])
        let effects = machine.receive(.sync)
        guard case .failure(let error)? = effects.completed?.1 else {
            Issue.record("request 1 should fail")
            return
        }
        #expect(error.code == .cancelled)
        #expect(effects.cancelRunning, "request 2 asked to be cancelled and now runs")
    }

    @Test("closing returns every waiting caller once and refuses new requests")
    func closing() {
        var machine = Machine()
        for id: UInt64 in 1...4 {
            _ = machine.enqueue(self.request(id, self.statement("SELECT \(id)")))
        }
        _ = machine.nextOutgoing()
        _ = machine.nextOutgoing()

        let lost = PostgresError(code: .connectionClosed, message: "gone")
        let failed = machine.close(lost)
        #expect(failed.map(\.waiter) == ["caller 1", "caller 2", "caller 3", "caller 4"])
        #expect(failed.allSatisfy { $0.error.message == "gone" })
        #expect(machine.close(lost).isEmpty)
        #expect(
            machine.enqueue(self.request(5, self.statement("SELECT 5")))?.code == .connectionClosed)
        #expect(machine.nextOutgoing() == nil)
    }

    @Test("results out of order are a protocol violation, not a crash")
    func violations() {
        var machine = Machine()
        #expect(machine.receive(.sync).violation?.code == .protocolViolation)

        _ = machine.enqueue(self.request(1, self.statement("SELECT 1")))
        _ = machine.nextOutgoing()
        #expect(machine.receive(.sync).violation != nil)
    }

    @Test("beyond the cache limit statements run unprepared")
    func cacheLimit() {
        var machine = Machine(statementCacheLimit: 2)
        for id: UInt64 in 1...3 {
            _ = machine.enqueue(self.request(id, self.statement("SELECT \(id)")))
        }
        guard case .statement = machine.nextOutgoing(), case .statement = machine.nextOutgoing(),
            case .unnamed = machine.nextOutgoing()
        else {
            Issue.record("the third distinct statement should run unprepared")
            return
        }
        #expect(machine.cachedStatementCount == 2)
    }
}

extension ConnectionStateMachine.Outgoing: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.statement(let a, let n, let p), .statement(let b, let m, let q)):
            a.sql == b.sql && n == m && p == q
        case (.unnamed(let a), .unnamed(let b)): a.sql == b.sql
        case (.script(let a), .script(let b)): a == b
        default: false
        }
    }
}
