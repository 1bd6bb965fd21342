import Testing

@testable import Postgres

/// The pool's logic, event by event, without sockets or clocks.
@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine

    static let second: Int64 = 1_000_000_000

    func limits(minimum: Int = 0, maximum: Int = 2) -> Machine.Limits {
        var limits = Machine.Limits()
        limits.minimum = minimum
        limits.maximum = maximum
        limits.pipelineThreshold = 2
        limits.pipelineDepth = 4
        limits.idleTimeout = 10 * Self.second
        limits.keepAliveInterval = 5 * Self.second
        limits.acquireTimeout = 1 * Self.second
        return limits
    }

    func request(_ raw: Int) -> PoolRequestID { PoolRequestID(raw: raw) }
    func connection(_ raw: Int) -> PoolConnectionID { PoolConnectionID(raw: raw) }

    func deadline(_ raw: Int) -> Machine.Action {
        .schedule(.acquireDeadline(self.request(raw)), after: Self.second)
    }

    func served(_ raw: Int, on connection: Int) -> [Machine.Action] {
        [
            .cancel(.acquireDeadline(self.request(raw))),
            .lease(self.request(raw), self.connection(connection)),
        ]
    }

    /// A machine with `count` connections opened and ready.
    func machine(open count: Int, minimum: Int = 0, maximum: Int = 2) -> Machine {
        var machine = Machine(limits: self.limits(minimum: minimum, maximum: maximum))
        let opened = (0..<count).map { _ in machine.makeSlot(now: 0) }
        for connection in opened {
            _ = machine.connectionOpened(connection, now: 0)
        }
        return machine
    }

    @Test func startOpensTheMinimumAndSchedulesMaintenance() {
        var machine = Machine(limits: self.limits(minimum: 2, maximum: 4))

        let actions = machine.start(now: 0)

        #expect(
            actions == [
                .schedule(.maintenance, after: machine.limits.maintenanceInterval),
                .open(self.connection(0)), .open(self.connection(1)),
            ])
        #expect(machine.statistics.connecting == 2)
    }

    @Test func aCallerWithNoConnectionWaitsForTheOneBeingOpened() {
        var machine = Machine(limits: self.limits())

        let asked = machine.acquire(self.request(1), use: .shared, now: 0)
        #expect(asked == [self.deadline(1), .open(self.connection(0))])
        #expect(machine.statistics.waiting == 1)

        let opened = machine.connectionOpened(self.connection(0), now: 5)
        #expect(opened == self.served(1, on: 0))
        #expect(machine.statistics.queriesInFlight == 1)
        #expect(machine.statistics.waiting == 0)
    }

    @Test func sharedQueriesPipelineOntoTheLeastLoadedConnection() {
        var machine = self.machine(open: 2)

        let leases = (1...4).map { machine.acquire(self.request($0), use: .shared, now: 1) }

        #expect(leases[0] == [.lease(self.request(1), self.connection(0))])
        #expect(leases[1] == [.lease(self.request(2), self.connection(1))])
        #expect(leases[2] == [.lease(self.request(3), self.connection(0))])
        #expect(leases[3] == [.lease(self.request(4), self.connection(1))])
        #expect(machine.statistics.open == 2)
        #expect(machine.statistics.queriesInFlight == 4)
    }

    @Test func aBusyConnectionMakesThePoolGrowUpToTheMaximum() {
        var machine = self.machine(open: 1, maximum: 2)

        _ = machine.acquire(self.request(1), use: .shared, now: 0)
        _ = machine.acquire(self.request(2), use: .shared, now: 0)
        let third = machine.acquire(self.request(3), use: .shared, now: 0)
        #expect(third == [.lease(self.request(3), self.connection(0)), .open(self.connection(1))])

        _ = machine.connectionOpened(self.connection(1), now: 0)
        for raw in 4...9 {
            let actions = machine.acquire(self.request(raw), use: .shared, now: 0)
            #expect(!actions.contains { if case .open = $0 { true } else { false } })
        }
        #expect(machine.slots.count == 2)
    }

    @Test func aFullPipelineMakesCallersWait() {
        var machine = self.machine(open: 1, maximum: 1)
        for raw in 1...4 {
            _ = machine.acquire(self.request(raw), use: .shared, now: 0)
        }

        let fifth = machine.acquire(self.request(5), use: .shared, now: 0)
        #expect(fifth == [self.deadline(5)])

        let released = machine.release(self.connection(0), use: .shared, discard: false, now: 1)
        #expect(released == self.served(5, on: 0))
    }

    @Test func anExclusiveLeaseTakesAnIdleConnectionAlone() {
        var machine = self.machine(open: 2)

        let leased = machine.acquire(self.request(1), use: .exclusive, now: 0)
        #expect(leased == [.lease(self.request(1), self.connection(0))])

        let shared = machine.acquire(self.request(2), use: .shared, now: 0)
        #expect(shared == [.lease(self.request(2), self.connection(1))])
        #expect(machine.statistics.leased == 1)

        let second = machine.acquire(self.request(3), use: .exclusive, now: 0)
        #expect(second == [self.deadline(3)])

        let returned = machine.release(self.connection(0), use: .exclusive, discard: false, now: 1)
        #expect(returned == self.served(3, on: 0))
    }

    @Test func anExclusiveWaiterDrainsABusyConnection() {
        var machine = self.machine(open: 1, maximum: 1)
        _ = machine.acquire(self.request(1), use: .shared, now: 0)

        _ = machine.acquire(self.request(2), use: .exclusive, now: 0)
        #expect(machine.slots[0].reservedFor == self.request(2))

        let shared = machine.acquire(self.request(3), use: .shared, now: 0)
        #expect(shared == [self.deadline(3)])

        let drained = machine.release(self.connection(0), use: .shared, discard: false, now: 1)
        #expect(drained == self.served(2, on: 0))

        let done = machine.release(self.connection(0), use: .exclusive, discard: false, now: 2)
        #expect(done == self.served(3, on: 0))
    }

    @Test func theAcquireDeadlineFailsTheWaiterWithTheWaitAndThePoolSize() {
        var machine = self.machine(open: 1, maximum: 2)
        _ = machine.acquire(self.request(1), use: .exclusive, now: 0)
        _ = machine.acquire(self.request(2), use: .exclusive, now: 0)
        _ = machine.connectionFailed(self.connection(1), error: "too many clients", now: 10)

        let failed = machine.timerFired(.acquireDeadline(self.request(2)), now: Self.second)

        let failure = Machine.Failure.exhausted(
            waited: Self.second, maximum: 2, lastConnectError: "too many clients")
        #expect(failed == [.fail(self.request(2), failure)])
        #expect(machine.statistics.waiting == 0)
        #expect(machine.timerFired(.acquireDeadline(self.request(2)), now: Self.second).isEmpty)
    }

    @Test func aFailedConnectWithNothingOpenTurnsTheWaitersAwayAtOnce() {
        var machine = self.machine(open: 0, minimum: 1, maximum: 1)
        _ = machine.acquire(self.request(1), use: .shared, now: 0)
        _ = machine.acquire(self.request(2), use: .exclusive, now: 0)

        let failed = machine.connectionFailed(self.connection(0), error: "refused", now: 10)

        let unreachable = Machine.Failure.unreachable(lastConnectError: "refused")
        #expect(
            failed == [
                .cancel(.acquireDeadline(self.request(1))), .fail(self.request(1), unreachable),
                .cancel(.acquireDeadline(self.request(2))), .fail(self.request(2), unreachable),
                .schedule(.reconnect, after: machine.limits.reconnectBackoffFirst),
            ])
        #expect(machine.statistics.waiting == 0)

        let probe = machine.timerFired(.reconnect, now: 20)
        #expect(probe == [.open(self.connection(1))])
        _ = machine.acquire(self.request(3), use: .shared, now: 21)
        #expect(machine.connectionOpened(self.connection(1), now: 22) == self.served(3, on: 1))
    }

    @Test func aFailedConnectWhileAnotherIsOpenLeavesTheWaitersWaiting() {
        var machine = self.machine(open: 1, maximum: 2)
        _ = machine.acquire(self.request(1), use: .exclusive, now: 0)
        _ = machine.acquire(self.request(2), use: .exclusive, now: 0)

        let failed = machine.connectionFailed(self.connection(1), error: "refused", now: 10)

        #expect(!failed.contains { if case .fail = $0 { true } else { false } })
        #expect(machine.statistics.waiting == 1)
        #expect(
            machine.release(self.connection(0), use: .exclusive, discard: false, now: 11)
                == self.served(2, on: 0))
    }

    @Test func theReconnectBackoffStaysShortSoANewPrimaryIsFoundPromptly() {
        var machine = Machine(limits: Machine.Limits())
        machine.consecutiveConnectFailures = 30
        #expect(machine.reconnectBackoff == 100_000_000)
    }

    @Test func failedConnectsAreRetriedOneAtATimeWithAGrowingBackoff() {
        var limits = self.limits(minimum: 2, maximum: 2)
        limits.reconnectBackoffLimit = Self.second
        var machine = Machine(limits: limits)
        _ = machine.start(now: 0)

        let first = machine.connectionFailed(self.connection(0), error: "refused", now: 1)
        #expect(first.isEmpty)
        let both = machine.connectionFailed(self.connection(1), error: "refused", now: 1)
        #expect(both == [.schedule(.reconnect, after: 100_000_000)])

        let probe = machine.timerFired(.reconnect, now: 2)
        #expect(probe == [.open(self.connection(2))])

        let third = machine.connectionFailed(self.connection(2), error: "refused", now: 3)
        #expect(third == [.schedule(.reconnect, after: 200_000_000)])

        _ = machine.timerFired(.reconnect, now: 4)
        let recovered = machine.connectionOpened(self.connection(3), now: 5)
        #expect(recovered == [.open(self.connection(4))])
        #expect(machine.consecutiveConnectFailures == 0)
    }

    @Test func aClosedConnectionIsDroppedAndTheMinimumRefilled() {
        var machine = self.machine(open: 2, minimum: 2)
        _ = machine.acquire(self.request(1), use: .shared, now: 0)

        let closed = machine.connectionClosed(self.connection(0), now: 1)

        #expect(closed == [.open(self.connection(2))])
        #expect(machine.release(self.connection(0), use: .shared, discard: false, now: 2).isEmpty)
        #expect(machine.statistics.open == 1)
    }

    @Test func aDiscardedConnectionClosesOnceItsQueriesFinish() {
        var machine = self.machine(open: 1, maximum: 1)
        _ = machine.acquire(self.request(1), use: .shared, now: 0)
        _ = machine.acquire(self.request(2), use: .shared, now: 0)

        let discarded = machine.release(self.connection(0), use: .shared, discard: true, now: 1)
        #expect(discarded.isEmpty)
        #expect(machine.slots[0].state == .retiring)

        let waiting = machine.acquire(self.request(3), use: .shared, now: 1)
        #expect(waiting == [self.deadline(3)])

        let last = machine.release(self.connection(0), use: .shared, discard: false, now: 2)
        #expect(last == [.close(self.connection(0))])

        let replaced = machine.connectionClosed(self.connection(0), now: 3)
        #expect(replaced == [.open(self.connection(1))])
    }

    @Test func idleConnectionsAboveTheMinimumCloseAndTheMinimumStays() {
        var machine = self.machine(open: 3, minimum: 1, maximum: 3)
        let every = machine.limits.maintenanceInterval

        let early = machine.timerFired(.maintenance, now: 4 * Self.second)
        #expect(early == [.schedule(.maintenance, after: every)])

        let late = machine.timerFired(.maintenance, now: 10 * Self.second)
        #expect(
            late == [
                .schedule(.maintenance, after: every),
                .close(self.connection(0)), .close(self.connection(1)), .ping(self.connection(2)),
            ])
        #expect(machine.statistics.idle == 0)
    }

    @Test func keepAliveChecksIdleConnectionsAndDropsTheDeadOnes() {
        var machine = self.machine(open: 2, minimum: 2)

        let due = machine.timerFired(.maintenance, now: 5 * Self.second)
        #expect(due.contains(.ping(self.connection(0))) && due.contains(.ping(self.connection(1))))

        let healthy = machine.pingFinished(self.connection(0), healthy: true, now: 5 * Self.second)
        #expect(healthy.isEmpty)
        let dead = machine.pingFinished(self.connection(1), healthy: false, now: 5 * Self.second)
        #expect(dead == [.close(self.connection(1))])

        let again = machine.timerFired(.maintenance, now: 6 * Self.second)
        #expect(!again.contains(.ping(self.connection(0))))
    }

    @Test func shutDownTurnsWaitersAwayAndClosesEverything() {
        var machine = self.machine(open: 2, maximum: 2)
        _ = machine.acquire(self.request(1), use: .exclusive, now: 0)
        _ = machine.acquire(self.request(2), use: .exclusive, now: 0)
        _ = machine.acquire(self.request(3), use: .exclusive, now: 0)

        let actions = machine.shutDown(now: 1)
        #expect(
            actions == [
                .cancel(.maintenance), .cancel(.acquireDeadline(self.request(3))),
                .fail(self.request(3), .shutDown),
            ])

        let returned = machine.release(self.connection(1), use: .exclusive, discard: false, now: 2)
        #expect(returned == [.close(self.connection(1))])
        let late = machine.acquire(self.request(4), use: .shared, now: 2)
        #expect(late == [.fail(self.request(4), .shutDown)])
    }

    @Test func aCancelledWaiterStopsWaitingAndGivesUpItsReservation() {
        var machine = self.machine(open: 1, maximum: 1)
        _ = machine.acquire(self.request(1), use: .shared, now: 0)
        _ = machine.acquire(self.request(2), use: .exclusive, now: 0)

        let cancelled = machine.cancelAcquire(self.request(2))

        #expect(
            cancelled == [
                .cancel(.acquireDeadline(self.request(2))), .fail(self.request(2), .cancelled),
            ])
        #expect(machine.slots[0].reservedFor == nil)
        #expect(machine.cancelAcquire(self.request(2)).isEmpty)
        #expect(
            machine.acquire(self.request(3), use: .shared, now: 0) == [
                .lease(self.request(3), self.connection(0))
            ])
    }
}
