import Reactor

/// Deadlines, shutdown and refusal over capacity.
extension Connection {
    /// Chooses the timeout that applies to what the connection is waiting for. A phase's
    /// deadline is set when the phase begins, so trickling bytes do not extend it.
    ///
    /// Known shortcoming: writing a response is bounded by the idle timeout as a whole, not
    /// by progress, so a very large response to a slow reader can be cut off.
    func updateWatch() {
        guard !self.closed && !self.lingering else { return }

        let timeouts = self.server.configuration.timeouts
        let next: Watch
        let limit: Duration
        if self.outboundSent < self.outbound.count {
            next = .write
            limit = timeouts.idle
        } else if self.readingStopped || self.readingPaused {
            next = .none
            limit = .zero
        } else {
            switch self.parser.phase {
            case .head:
                (next, limit) = (.head, timeouts.header)
            case .body:
                (next, limit) = (.body, timeouts.body)
            case .idle where !self.queue.isEmpty:
                (next, limit) = (.none, .zero)
            case .idle:
                (next, limit) =
                    self.requestsRead == 0 ? (.head, timeouts.header) : (.idle, timeouts.idle)
            case .failed:
                (next, limit) = (.none, .zero)
            }
        }

        guard next != self.watch else { return }
        self.watch = next
        self.deadline = next == .none ? .max : Monotonic.now() + limit.nanoseconds
    }

    /// The current phase ran out of time.
    func timedOut() {
        switch self.watch {
        case .head where self.parser.phase == .head && self.queue.isEmpty,
            .body where self.queue.isEmpty:
            self.sendAndClose(.requestTimeout, detail: "the request did not arrive in time")
        case .head, .body, .idle, .write, .linger:
            self.closeNow()
        case .none:
            self.deadline = .max
        }
    }

    /// Shutdown: an idle connection closes now; a busy one closes after the response to the
    /// last request it has read, which says `Connection: close`.
    func drain() {
        self.draining = true
        if self.lingering
            || self.queue.isEmpty && self.outbound.isEmpty && self.parser.phase == .idle
        {
            self.closeNow()
            return
        }
        if !self.queue.isEmpty {
            self.readingStopped = true
        }
        self.updateInterest()
    }

    /// Over the connection limit: a polite 503 with `Connection: close`, then close.
    func refuseOverCapacity() {
        self.sendAndClose(.serviceUnavailable, detail: "the server has too many open connections")
    }

    private func sendAndClose(_ status: HTTPStatus, detail: String) {
        self.readingStopped = true
        let exchange = Exchange(
            place: self.queue.reserve(), method: .get, version: .http1_1, keepAlive: false,
            id: self.host.ids.generate(), started: Monotonic.now(), acceptEncoding: nil
        )
        self.lastPlace = exchange.place
        var response = Problem(status: status, detail: detail).response()
        response.route = "refused"
        self.finish(exchange, response, request: nil)
    }
}
