/// The connection pool's logic as a plain value: events go in (a caller wants a connection,
/// a connection opened, failed, closed or came back, a timer fired) and actions come out
/// (open, lease, fail, close, ping, schedule a timer). It touches no socket and reads no
/// clock; `PostgresPool` performs the actions on its event loop and feeds the results back.
///
/// Two kinds of use share the connections. Autocommit queries (`shared`) are pipelined onto
/// the least-loaded ready connection, so many callers ride on few connections; transactions
/// and `withConnection` (`exclusive`) take a connection with nothing in flight, alone.
struct PoolStateMachine {
    /// Numeric limits the pool keeps to; times are nanoseconds of the monotonic clock.
    struct Limits: Equatable {
        var minimum = 1
        var maximum = 8
        /// A connection with more queries in flight than this makes the pool open another.
        var pipelineThreshold = 4
        /// The most queries one connection carries at once; beyond it, callers wait.
        var pipelineDepth = 128
        var idleTimeout: Int64 = 60_000_000_000
        var keepAliveInterval: Int64 = 30_000_000_000
        var acquireTimeout: Int64 = 10_000_000_000
        var maintenanceInterval: Int64 = 1_000_000_000
        var reconnectBackoffFirst: Int64 = 50_000_000
        var reconnectBackoffLimit: Int64 = 100_000_000
    }

    /// How a caller means to use the connection it asks for.
    enum Use: Equatable {
        /// An autocommit query, pipelined with other callers' queries.
        case shared
        /// A transaction or a session of its own: the connection is the caller's alone.
        case exclusive
    }

    enum Timer: Hashable {
        case acquireDeadline(PoolRequestID)
        case maintenance
        case reconnect
    }

    /// Why a waiting caller was turned away.
    enum Failure: Equatable {
        /// Nothing became available within the acquire timeout.
        case exhausted(waited: Int64, maximum: Int, lastConnectError: String?)
        /// No server could be reached: a connect attempt failed with no connection open or
        /// opening, so waiting would only wait out the acquire timeout.
        case unreachable(lastConnectError: String)
        /// The caller's task was cancelled while it waited.
        case cancelled
        case shutDown
    }

    enum Action: Equatable {
        case open(PoolConnectionID)
        case lease(PoolRequestID, PoolConnectionID)
        case fail(PoolRequestID, Failure)
        case close(PoolConnectionID)
        case ping(PoolConnectionID)
        case schedule(Timer, after: Int64)
        case cancel(Timer)
    }

    enum SlotState: Equatable {
        case connecting
        /// Open and taking shared work; idle when nothing is in flight.
        case ready
        case leased(PoolRequestID)
        case pinging
        /// Takes no new work and is closed once its in-flight queries finish.
        case retiring
        case closing
    }

    struct Slot {
        let id: PoolConnectionID
        var state: SlotState
        var inFlight = 0
        /// When a caller last used it; the idle timeout counts from here.
        var lastActive: Int64
        /// When a keep-alive check last ran on it.
        var lastChecked: Int64 = 0
        /// An exclusive waiter this connection is draining for; it takes no new shared work.
        var reservedFor: PoolRequestID?
    }

    struct Waiter {
        let id: PoolRequestID
        let use: Use
        let since: Int64
    }

    let limits: Limits
    var slots: [Slot] = []
    var waiters: [Waiter] = []
    var isShutDown = false
    var lastConnectError: String?
    var consecutiveConnectFailures = 0
    /// A reconnect timer is pending; no connect is attempted until it fires.
    var inBackoff = false
    private var nextConnectionID = 0

    init(limits: Limits) {
        self.limits = limits
    }

    // MARK: Events

    /// The pool starts: open the minimum and begin the maintenance rhythm.
    mutating func start(now: Int64) -> [Action] {
        var actions: [Action] = [.schedule(.maintenance, after: self.limits.maintenanceInterval)]
        self.openForDemand(now: now, into: &actions)
        return actions
    }

    /// A caller asks for a connection.
    mutating func acquire(_ request: PoolRequestID, use: Use, now: Int64) -> [Action] {
        guard !self.isShutDown else { return [.fail(request, .shutDown)] }

        var actions: [Action] = []
        if let connection = self.place(request, use: use, now: now, into: &actions) {
            actions.insert(.lease(request, connection), at: 0)
            return actions
        }

        self.waiters.append(Waiter(id: request, use: use, since: now))
        actions.append(.schedule(.acquireDeadline(request), after: self.limits.acquireTimeout))
        self.openForDemand(now: now, into: &actions)
        self.reserveForExclusiveWaiters()
        return actions
    }

    /// A caller asks for a connection it can have at once: the lease and what goes with
    /// it, or nil, with nothing recorded, when it would have to wait (then `acquire`).
    mutating func leaseAtOnce(_ request: PoolRequestID, use: Use, now: Int64) -> [Action]? {
        guard !self.isShutDown else { return nil }

        var actions: [Action] = []
        guard let connection = self.place(request, use: use, now: now, into: &actions) else {
            return nil
        }
        actions.insert(.lease(request, connection), at: 0)
        return actions
    }

    /// A waiting caller's task was cancelled: it stops waiting.
    mutating func cancelAcquire(_ request: PoolRequestID) -> [Action] {
        guard let index = self.waiters.firstIndex(where: { $0.id == request }) else { return [] }

        _ = self.removeWaiter(at: index)
        return [.cancel(.acquireDeadline(request)), .fail(request, .cancelled)]
    }

    /// A caller is done with a connection. `discard` drops it (broken, or the server is no
    /// longer what the pool wants, such as a primary that became a standby).
    mutating func release(
        _ connection: PoolConnectionID, use: Use, discard: Bool, now: Int64
    ) -> [Action] {
        guard let index = self.index(of: connection) else { return [] }

        var actions: [Action] = []
        switch use {
        case .shared:
            self.slots[index].inFlight = max(0, self.slots[index].inFlight - 1)
        case .exclusive:
            if case .leased = self.slots[index].state { self.slots[index].state = .ready }
        }
        self.slots[index].lastActive = now

        if discard || self.isShutDown {
            self.retire(at: index, into: &actions)
        } else if self.slots[index].state == .retiring, self.slots[index].inFlight == 0 {
            self.slots[index].state = .closing
            actions.append(.close(connection))
        }

        self.serveWaiters(now: now, into: &actions)
        return actions
    }

    /// A connection the pool asked for is open.
    mutating func connectionOpened(_ connection: PoolConnectionID, now: Int64) -> [Action] {
        guard let index = self.index(of: connection) else { return [.close(connection)] }

        self.consecutiveConnectFailures = 0
        if self.isShutDown {
            self.slots[index].state = .closing
            return [.close(connection)]
        }

        self.slots[index].state = .ready
        self.slots[index].lastActive = now
        var actions: [Action] = []
        self.serveWaiters(now: now, into: &actions)
        self.openForDemand(now: now, into: &actions)
        return actions
    }

    /// A connection the pool asked for could not be opened; try again after a backoff while
    /// someone needs it. When no other connection is open or opening, the waiting callers
    /// are turned away at once rather than left to wait out the acquire timeout.
    mutating func connectionFailed(
        _ connection: PoolConnectionID, error: String, now: Int64
    ) -> [Action] {
        guard let index = self.index(of: connection) else { return [] }

        self.slots.remove(at: index)
        self.lastConnectError = error
        self.consecutiveConnectFailures += 1
        var actions: [Action] = []
        if !self.slots.contains(where: { $0.state != .closing }) {
            // Nothing open and nothing opening: the callers learn it now, and the pool
            // keeps probing (for the minimum) so the next caller finds a server that is back.
            while !self.waiters.isEmpty {
                let waiter = self.removeWaiter(at: 0)
                actions.append(.cancel(.acquireDeadline(waiter.id)))
                actions.append(.fail(waiter.id, .unreachable(lastConnectError: error)))
            }
        }
        self.openForDemand(now: now, into: &actions)
        self.reserveForExclusiveWaiters()
        return actions
    }

    /// A connection closed, asked to or not (server gone, backend terminated). Its
    /// replacement is opened at once: only failed connects count toward the backoff, so a
    /// server that accepts sessions and then drops each one is reconnected to without pause.
    mutating func connectionClosed(_ connection: PoolConnectionID, now: Int64) -> [Action] {
        guard let index = self.index(of: connection) else { return [] }

        self.slots.remove(at: index)
        var actions: [Action] = []
        self.serveWaiters(now: now, into: &actions)
        self.openForDemand(now: now, into: &actions)
        return actions
    }

    /// A keep-alive check finished.
    mutating func pingFinished(
        _ connection: PoolConnectionID, healthy: Bool, now: Int64
    ) -> [Action] {
        guard let index = self.index(of: connection), self.slots[index].state == .pinging else {
            return []
        }

        var actions: [Action] = []
        if healthy && !self.isShutDown {
            self.slots[index].state = .ready
            self.slots[index].lastActive = now
        } else {
            self.slots[index].state = .closing
            actions.append(.close(connection))
        }
        self.serveWaiters(now: now, into: &actions)
        return actions
    }

    // MARK: Lookup

    func index(of connection: PoolConnectionID) -> Int? {
        self.slots.firstIndex { $0.id == connection }
    }

    mutating func makeSlot(now: Int64) -> PoolConnectionID {
        let id = PoolConnectionID(raw: self.nextConnectionID)
        self.nextConnectionID += 1
        self.slots.append(Slot(id: id, state: .connecting, lastActive: now))
        return id
    }

    mutating func removeWaiter(at index: Int) -> Waiter {
        let waiter = self.waiters.remove(at: index)
        for slot in self.slots.indices where self.slots[slot].reservedFor == waiter.id {
            self.slots[slot].reservedFor = nil
        }
        return waiter
    }

}

/// Names one connection of a pool.
struct PoolConnectionID: Hashable, Sendable, CustomStringConvertible {
    let raw: Int
    var description: String { "c\(self.raw)" }
}

/// Names one caller's request for a connection.
struct PoolRequestID: Hashable, Sendable, CustomStringConvertible {
    let raw: Int
    var description: String { "r\(self.raw)" }
}
