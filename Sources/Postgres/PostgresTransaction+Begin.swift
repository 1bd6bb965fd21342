extension PostgresConnection {
    /// Queues `begin` and then `query` in the same turn of the loop, so that a transaction's
    /// BEGIN travels with its first statement instead of costing a round trip of its own.
    /// Returns `query`'s rows; if BEGIN failed, throws BEGIN's error instead.
    func query(
        _ query: PostgresQuery, after begin: PostgresQuery
    ) async throws(PostgresError) -> PostgresRows {
        // The immediate task runs on this actor until `query(begin)` has queued BEGIN and
        // suspends, so BEGIN is queued first.
        let beginning = Task.immediate { () -> PostgresError? in
            do throws(PostgresError) {
                _ = try await self.query(begin)
                return nil
            } catch {
                return error
            }
        }

        let result: Result<PostgresRows, PostgresError>
        do throws(PostgresError) {
            result = .success(try await self.query(query))
        } catch {
            result = .failure(error)
        }

        if let failure = await beginning.value { throw failure }
        return try result.get()
    }
}
