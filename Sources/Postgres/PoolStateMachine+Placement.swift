extension PoolStateMachine {
    /// Finds a connection for `request` now, or returns nil when it has to wait.
    mutating func place(
        _ request: PoolRequestID, use: Use, now: Int64, into actions: inout [Action]
    ) -> PoolConnectionID? {
        switch use {
        case .shared:
            return self.placeShared(now: now, into: &actions)
        case .exclusive:
            return self.placeExclusive(request, now: now)
        }
    }

    /// The least-loaded ready connection takes the query; a busy pool grows by one.
    private mutating func placeShared(now: Int64, into actions: inout [Action]) -> PoolConnectionID? {
        var best: Int?
        for index in self.slots.indices {
            let slot = self.slots[index]
            guard slot.state == .ready, slot.reservedFor == nil,
                slot.inFlight < self.limits.pipelineDepth
            else { continue }
            if let current = best, self.slots[current].inFlight <= slot.inFlight { continue }
            best = index
        }
        guard let best else { return nil }

        let load = self.slots[best].inFlight
        self.slots[best].inFlight = load + 1
        self.slots[best].lastActive = now

        if load >= self.limits.pipelineThreshold {
            self.growForLoad(now: now, into: &actions)
        }
        return self.slots[best].id
    }

    /// A ready connection with nothing in flight, preferring one drained for this request.
    private mutating func placeExclusive(_ request: PoolRequestID, now: Int64) -> PoolConnectionID? {
        let isFree = { (slot: Slot) in slot.state == .ready && slot.inFlight == 0 }
        let chosen =
            self.slots.firstIndex { isFree($0) && $0.reservedFor == request }
            ?? self.slots.firstIndex { isFree($0) && $0.reservedFor == nil }
        guard let chosen else { return nil }

        for index in self.slots.indices where self.slots[index].reservedFor == request {
            self.slots[index].reservedFor = nil
        }
        self.slots[chosen].state = .leased(request)
        self.slots[chosen].lastActive = now
        return self.slots[chosen].id
    }

    /// Opens one more connection when every ready one is past the pipelining threshold.
    private mutating func growForLoad(now: Int64, into actions: inout [Action]) {
        guard !self.isShutDown, !self.inBackoff, self.consecutiveConnectFailures == 0,
            self.slots.count < self.limits.maximum,
            !self.slots.contains(where: { $0.state == .connecting })
        else { return }

        actions.append(.open(self.makeSlot(now: now)))
    }

    /// Gives waiting callers whatever has become available, oldest first.
    mutating func serveWaiters(now: Int64, into actions: inout [Action]) {
        guard !self.waiters.isEmpty else { return }

        var remaining: [Waiter] = []
        remaining.reserveCapacity(self.waiters.count)
        for waiter in self.waiters {
            guard let connection = self.place(waiter.id, use: waiter.use, now: now, into: &actions)
            else {
                remaining.append(waiter)
                continue
            }
            actions.append(.cancel(.acquireDeadline(waiter.id)))
            actions.append(.lease(waiter.id, connection))
        }
        self.waiters = remaining

        self.openForDemand(now: now, into: &actions)
        self.reserveForExclusiveWaiters()
    }

    /// Opens connections for waiting callers and to keep the minimum. After a failed
    /// connect the pool probes with one attempt at a time, after a growing backoff.
    mutating func openForDemand(now: Int64, probe: Bool = false, into actions: inout [Action]) {
        guard !self.isShutDown else { return }

        let connecting = self.slots.count { $0.state == .connecting }
        let live = self.slots.count { $0.state != .closing && $0.state != .retiring }
        let exclusiveWaiting = self.waiters.count { $0.use == .exclusive }
        let sharedWaiting = self.waiters.contains { $0.use == .shared } ? 1 : 0

        var wanted = max(
            exclusiveWaiting + sharedWaiting - connecting, self.limits.minimum - live)
        wanted = min(wanted, self.limits.maximum - self.slots.count)
        guard wanted > 0 else { return }

        if self.consecutiveConnectFailures > 0 {
            guard !self.inBackoff, connecting == 0 else { return }
            guard probe else {
                self.inBackoff = true
                actions.append(.schedule(.reconnect, after: self.reconnectBackoff))
                return
            }
            wanted = 1
        }

        for _ in 0..<wanted {
            actions.append(.open(self.makeSlot(now: now)))
        }
    }

    /// The wait before the next connect attempt: doubling from the first backoff, capped.
    var reconnectBackoff: Int64 {
        let doublings = min(max(self.consecutiveConnectFailures - 1, 0), 20)
        let backoff = self.limits.reconnectBackoffFirst << Int64(doublings)
        return min(backoff, self.limits.reconnectBackoffLimit)
    }

    /// When exclusive waiters outnumber the connections being opened for them, drains busy
    /// connections for them: a drained connection takes no new shared queries, so a steady
    /// stream of autocommit queries cannot starve a transaction.
    mutating func reserveForExclusiveWaiters() {
        let connecting = self.slots.count { $0.state == .connecting }
        let reserved = self.slots.count { $0.reservedFor != nil }
        var needed = self.waiters.count { $0.use == .exclusive } - connecting - reserved
        guard needed > 0 else { return }

        for waiter in self.waiters where waiter.use == .exclusive && needed > 0 {
            guard !self.slots.contains(where: { $0.reservedFor == waiter.id }) else { continue }
            let candidates = self.slots.indices.filter {
                self.slots[$0].state == .ready && self.slots[$0].reservedFor == nil
            }
            guard
                let least = candidates.min(by: { self.slots[$0].inFlight < self.slots[$1].inFlight }
                )
            else { return }
            self.slots[least].reservedFor = waiter.id
            needed -= 1
        }
    }

    /// Stops giving `index` new work and closes it once its queries are done.
    mutating func retire(at index: Int, into actions: inout [Action]) {
        switch self.slots[index].state {
        case .closing, .connecting:
            return
        case .ready, .pinging, .leased, .retiring:
            break
        }

        if self.slots[index].inFlight > 0 {
            self.slots[index].state = .retiring
        } else {
            self.slots[index].state = .closing
            actions.append(.close(self.slots[index].id))
        }
        self.slots[index].reservedFor = nil
    }
}
