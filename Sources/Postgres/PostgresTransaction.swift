import Synchronization

/// A transaction on a connection leased from a pool, handed to the closure given to
/// `PostgresPool.transaction`. The pool begins it with the first statement (BEGIN is
/// pipelined with that statement, not awaited alone), commits it when the closure returns,
/// and rolls it back when the closure throws.
public final class PostgresTransaction: Sendable {
    /// How strictly concurrent transactions are kept apart (PostgreSQL's isolation levels).
    public enum IsolationLevel: Sendable {
        case readCommitted
        case repeatableRead
        /// Behaves as if transactions ran one after another; conflicting ones fail with a
        /// serialization failure (40001), which the pool answers by running them again.
        case serializable

        var sql: String {
            switch self {
            case .readCommitted: "READ COMMITTED"
            case .repeatableRead: "REPEATABLE READ"
            case .serializable: "SERIALIZABLE"
            }
        }
    }

    private struct State {
        /// The BEGIN statement, until it has been sent.
        var begin: PostgresQuery?
        /// The first statement error: the server has aborted the transaction, so it can
        /// only be rolled back, even if the closure caught the error.
        var failure: PostgresError?
        var finished = false
    }

    let connection: PostgresConnection
    private let state: Mutex<State>

    init(connection: PostgresConnection, isolation: IsolationLevel, readOnly: Bool) {
        self.connection = connection
        let mode = readOnly ? "READ ONLY" : "READ WRITE"
        let begin = PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation.sql) \(mode)")
        self.state = Mutex(State(begin: begin))
    }

    /// Runs a statement inside the transaction.
    public func query(_ query: PostgresQuery) async throws(PostgresError) -> PostgresRows {
        let (begin, earlier) = self.state.withLock { state in
            defer { state.begin = nil }
            return (state.begin, state.failure)
        }
        if let earlier { throw earlier }

        do throws(PostgresError) {
            return try await self.send(query, after: begin)
        } catch {
            self.state.withLock { state in
                if state.failure == nil { state.failure = error }
            }
            throw error
        }
    }

    /// Sends `query`, preceded by `begin` when this is the transaction's first statement.
    private func send(
        _ query: PostgresQuery, after begin: PostgresQuery?
    ) async throws(PostgresError) -> PostgresRows {
        guard let begin else { return try await self.connection.query(query) }

        return try await self.connection.query(query, after: begin)
    }

    /// Commits, unless nothing was sent (then there is nothing to commit). A transaction
    /// whose statement failed is not committed: that earlier error is thrown instead.
    func commit() async throws(PostgresError) {
        let (begun, earlier) = self.state.withLock { state in
            (state.begin == nil, state.failure)
        }
        if let earlier { throw earlier }
        guard begun else { return }

        let rows = try await self.connection.query("COMMIT")
        self.state.withLock { $0.finished = true }
        guard rows.commandTag != "ROLLBACK" else {
            throw PostgresError(
                code: .server,
                message: "the server rolled the transaction back instead of committing it")
        }
    }

    /// Rolls back after a failure. Returns false when the connection is not fit to reuse
    /// (the rollback itself failed).
    func rollback() async -> Bool {
        let pending = self.state.withLock { state in
            state.begin == nil && !state.finished
        }
        guard pending else { return true }

        do throws(PostgresError) {
            _ = try await self.connection.query("ROLLBACK")
            self.state.withLock { $0.finished = true }
            return true
        } catch {
            return false
        }
    }
}
