import CPostgres

extension PostgresConnection {
    /// Starts listening on `channel` (matched exactly, case included) and returns its
    /// notifications. Several sequences may listen to the same channel; each receives every
    /// notification.
    public func listen(_ channel: String) async throws(PostgresError) -> PostgresNotifications {
        let quoted = try Self.quotedIdentifier(channel)

        self.requestCounter += 1
        let id = self.requestCounter
        let (stream, continuation) = AsyncThrowingStream<PostgresNotification, any Error>
            .makeStream()
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.loop.execute {
                self.assumeIsolated { $0.removeListener(channel, id: id) }
            }
        }

        let first = self.listeners[channel]?.isEmpty ?? true
        self.listeners[channel, default: [:]][id] = continuation
        if first {
            do {
                _ = try await self.perform(.unnamed(PostgresQuery(unsafeSQL: "LISTEN " + quoted)))
            } catch {
                self.listeners[channel]?[id] = nil
                continuation.finish(throwing: error)
                throw error
            }
        }
        return PostgresNotifications(stream: stream)
    }

    /// A sequence ended; when it was the channel's last, stop listening.
    func removeListener(_ channel: String, id: UInt64) {
        guard self.listeners[channel]?.removeValue(forKey: id) != nil else { return }
        guard self.listeners[channel]?.isEmpty ?? true else { return }

        self.listeners[channel] = nil
        guard self.connection != nil, let quoted = try? Self.quotedIdentifier(channel) else {
            return
        }
        self.requestCounter += 1
        self.submit(
            .unnamed(PostgresQuery(unsafeSQL: "UNLISTEN " + quoted)), id: self.requestCounter,
            waiter: .nobody)
    }

    /// Passes the notifications libpq has read to the sequences listening for them.
    func deliverNotifications() {
        guard let connection = self.connection else { return }
        while let raw = PQnotifies(connection) {
            let notification = PostgresNotification(
                channel: String(cString: raw.pointee.relname),
                payload: String(cString: raw.pointee.extra),
                backendPID: raw.pointee.be_pid)
            PQfreemem(raw)

            guard let continuations = self.listeners[notification.channel] else { continue }
            for continuation in continuations.values {
                continuation.yield(notification)
            }
        }
    }

    /// Ends every sequence: normally after `close()`, with the error when the connection
    /// was lost.
    func finishListeners(_ cause: PostgresError?) {
        let all = self.listeners.values.flatMap(\.values)
        self.listeners.removeAll()
        for continuation in all {
            continuation.finish(throwing: cause)
        }
    }

    /// `channel` as a double-quoted SQL identifier, or an error if PostgreSQL could not
    /// name a channel so.
    static func quotedIdentifier(_ channel: String) throws(PostgresError) -> String {
        guard !channel.isEmpty, channel.utf8.count < 64, !channel.utf8.contains(0) else {
            throw PostgresError(
                code: .invalidArgument,
                message: "a channel name must be 1 to 63 bytes without NUL, not \"\(channel)\"")
        }
        return "\"" + channel.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
