extension PoolStateMachine {
    /// A timer the pool asked for has fired.
    mutating func timerFired(_ timer: Timer, now: Int64) -> [Action] {
        switch timer {
        case .acquireDeadline(let request):
            return self.acquireDeadlinePassed(request, now: now)
        case .maintenance:
            return self.maintain(now: now)
        case .reconnect:
            self.inBackoff = false
            var actions: [Action] = []
            self.openForDemand(now: now, probe: true, into: &actions)
            return actions
        }
    }

    /// A caller waited the whole acquire timeout: turn it away, saying how long and why.
    private mutating func acquireDeadlinePassed(_ request: PoolRequestID, now: Int64) -> [Action] {
        guard let index = self.waiters.firstIndex(where: { $0.id == request }) else { return [] }

        let waiter = self.removeWaiter(at: index)
        let failure = Failure.exhausted(
            waited: now - waiter.since, maximum: self.limits.maximum,
            lastConnectError: self.lastConnectError)
        return [.fail(request, failure)]
    }

    /// Closes connections idle past the idle timeout (above the minimum), checks those idle
    /// past the keep-alive interval, and refills to the minimum.
    private mutating func maintain(now: Int64) -> [Action] {
        guard !self.isShutDown else { return [] }

        var actions: [Action] = [.schedule(.maintenance, after: self.limits.maintenanceInterval)]
        var live = self.slots.count { $0.state != .closing && $0.state != .retiring }
        for index in self.slots.indices {
            let slot = self.slots[index]
            guard slot.state == .ready, slot.inFlight == 0, slot.reservedFor == nil else {
                continue
            }

            if now - slot.lastActive >= self.limits.idleTimeout && live > self.limits.minimum {
                self.slots[index].state = .closing
                actions.append(.close(slot.id))
                live -= 1
            } else if now - max(slot.lastActive, slot.lastChecked) >= self.limits.keepAliveInterval {
                self.slots[index].state = .pinging
                self.slots[index].lastChecked = now
                actions.append(.ping(slot.id))
            }
        }

        self.openForDemand(now: now, into: &actions)
        return actions
    }

    /// The pool is closing: turn waiters away, close what is idle, and close the rest as
    /// their callers return them.
    mutating func shutDown(now: Int64) -> [Action] {
        guard !self.isShutDown else { return [] }

        self.isShutDown = true
        var actions: [Action] = [.cancel(.maintenance)]
        if self.inBackoff { actions.append(.cancel(.reconnect)) }
        while !self.waiters.isEmpty {
            let waiter = self.removeWaiter(at: 0)
            actions.append(.cancel(.acquireDeadline(waiter.id)))
            actions.append(.fail(waiter.id, .shutDown))
        }
        for index in self.slots.indices {
            if case .leased = self.slots[index].state { continue }
            self.retire(at: index, into: &actions)
        }
        return actions
    }

    /// What the pool holds now, for metrics and readiness.
    var statistics: PoolStatistics {
        var statistics = PoolStatistics()
        for slot in self.slots {
            statistics.queriesInFlight += slot.inFlight
            switch slot.state {
            case .connecting:
                statistics.connecting += 1
            case .ready:
                statistics.open += 1
                if slot.inFlight == 0 { statistics.idle += 1 }
            case .leased:
                statistics.open += 1
                statistics.leased += 1
            case .pinging, .retiring, .closing:
                statistics.open += 1
            }
        }
        statistics.waiting = self.waiters.count
        return statistics
    }
}
