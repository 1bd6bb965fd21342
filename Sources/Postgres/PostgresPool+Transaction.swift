/// Transactions and exclusive use of one connection.
extension PostgresPool {
    /// Runs `body` in a transaction on a connection of its own: BEGIN with the first
    /// statement, COMMIT when `body` returns, ROLLBACK when it throws.
    ///
    /// When the transaction fails with a serialization failure (40001) or a deadlock
    /// (40P01), the whole of `body` runs again, after a short jittered pause, up to
    /// `configuration.transactionRetries` times; then the error reaches the caller. Any
    /// other error is not retried. `body` may therefore run more than once and should have
    /// no effects outside the transaction.
    public func transaction<Value>(
        isolation: PostgresTransaction.IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        actor: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> Value
    ) async throws -> Value {
        var retries = 0
        while true {
            do {
                return try await self.attempt(isolation, readOnly: readOnly, actor: actor, body)
            } catch let error as PostgresError
                where error.isSerializationFailure || error.isDeadlock
            {
                guard retries < self.configuration.transactionRetries else { throw error }

                retries += 1
                try await Task.sleep(for: self.retryPause(after: retries))
            }
        }
    }

    /// Runs `body` with a connection of its own, outside any transaction the pool manages
    /// (migrations take advisory locks this way).
    ///
    /// The session is reused afterwards as `body` left it: settings it changed, locks it
    /// kept or a transaction it left open carry over to the next user.
    public func withConnection<Value>(
        actor: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let lease = try await self.acquire(.exclusive)

        do {
            let value = try await body(lease.connection)
            await self.release(lease, discard: false)
            return value
        } catch {
            let discard = (error as? PostgresError).map(self.shouldDiscard(after:)) ?? false
            await self.release(lease, discard: discard)
            throw error
        }
    }

    /// One run of a transaction's body, from lease to release.
    private func attempt<Value>(
        _ isolation: PostgresTransaction.IsolationLevel,
        readOnly: Bool,
        actor: isolated (any Actor)?,
        _ body: (PostgresTransaction) async throws -> Value
    ) async throws -> Value {
        let lease = try await self.acquire(.exclusive)
        let transaction = PostgresTransaction(
            connection: lease.connection, isolation: isolation, readOnly: readOnly)

        do {
            let value = try await body(transaction)
            try await transaction.commit()
            await self.release(lease, discard: false)
            return value
        } catch {
            let fit = await transaction.rollback()
            let lost = (error as? PostgresError).map(self.shouldDiscard(after:)) ?? false
            await self.release(lease, discard: lost || !fit)
            throw error
        }
    }

    /// The pause before retry number `retry`: the base backoff times the retry number,
    /// scaled by a random factor between 0.5 and 1.5.
    private nonisolated func retryPause(after retry: Int) -> Duration {
        let base = self.configuration.transactionRetryBackoff * retry
        return base * Double.random(in: 0.5...1.5)
    }
}
