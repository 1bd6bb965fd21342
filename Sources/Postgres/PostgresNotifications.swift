/// A message sent with `NOTIFY channel, 'payload'` (or `pg_notify`).
public struct PostgresNotification: Sendable, Hashable {
    public let channel: String
    public let payload: String
    /// The server process that sent it.
    public let backendPID: Int32

    public init(channel: String, payload: String, backendPID: Int32) {
        self.channel = channel
        self.payload = payload
        self.backendPID = backendPID
    }
}

typealias NotificationContinuation = AsyncThrowingStream<PostgresNotification, any Error>
    .Continuation

/// The notifications of one channel, in the order the server delivered them, from
/// `PostgresConnection.listen(_:)`.
///
/// Ending the iteration (leaving the loop and dropping the sequence, or cancelling the
/// task) stops listening: the connection issues UNLISTEN when the channel's last sequence
/// ends. If the connection is lost, iteration throws `connectionClosed`; after `close()`
/// it simply ends. Known shortcoming: notifications are buffered without bound while
/// nobody iterates.
public struct PostgresNotifications: AsyncSequence, Sendable {
    public typealias Element = PostgresNotification
    public typealias Failure = PostgresError

    let stream: AsyncThrowingStream<PostgresNotification, any Error>

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.stream.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<PostgresNotification, any Error>.AsyncIterator

        public mutating func next() async throws(PostgresError) -> PostgresNotification? {
            try await self.next(isolation: nil)
        }

        public mutating func next(
            isolation actor: isolated (any Actor)?
        ) async throws(PostgresError) -> PostgresNotification? {
            do {
                return try await self.base.next(isolation: actor)
            } catch let error as PostgresError {
                throw error
            } catch {
                throw PostgresError(code: .connectionClosed, message: "\(error)")
            }
        }
    }
}
