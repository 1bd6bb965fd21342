import Testing

@testable import Failover

/// The planned switchover (demote, wait for replay, promote, follow) and the forced
/// failover an operator may choose.
@Suite struct SwitchoverTests {
    let a = Fixtures.a
    let b = Fixtures.b
    let utc = Fixtures.utc

    @Test func switchoverDemotesWaitsForReplayPromotesAndTheOldPrimaryFollows() throws {
        var state = try Fixtures.healthyCluster()
        let started = try state.beginSwitchover(to: nil, at: Fixtures.at(2400), utc: self.utc)
        #expect(started.kind == .switchoverStarted)
        #expect(state.durable.decisions.last?.decision == "switchover-started")

        let demote = try state.heartbeat(
            Fixtures.primary(self.a, term: 1, names: "site_b"), at: Fixtures.at(2450),
            utc: self.utc)
        #expect(demote.action == .demote(reason: "switchover to site_b"))
        #expect(demote.lease == nil)

        // site_a stopped at 0/3000; site_b has replayed only 0/2000 so far.
        let stopped = try state.heartbeat(
            Fixtures.report(self.a, term: 1, role: .stopped, current: 0x3000),
            at: Fixtures.at(2600), utc: self.utc)
        #expect(stopped.action == .none)
        #expect(state.lease == nil)
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1, replay: 0x2000), at: Fixtures.at(2620), utc: self.utc)
        #expect(state.tick(at: Fixtures.at(2620), utc: self.utc).isEmpty)
        #expect(state.durable.term == Term(1))

        // The report that shows site_b caught up is answered with the promotion at once.
        let count = state.decisionCount
        let promote = try state.heartbeat(
            Fixtures.standby(self.b, term: 1, replay: 0x3000), at: Fixtures.at(2700), utc: self.utc)
        #expect(promote.action == .promote(term: Term(2)))
        #expect(state.decisionCount == count + 1)
        #expect(state.durable.decisions.last?.decision == "switchover")
        #expect(state.durable.decisions.last?.reason.contains("site_a stopped at 0/3000") == true)
        #expect(state.durable.term == Term(2))
        #expect(state.durable.primary == self.b)
        #expect(state.tick(at: Fixtures.at(2750), utc: self.utc).isEmpty)
        let serving = try state.heartbeat(
            Fixtures.primary(self.b, term: 2, standby: nil), at: Fixtures.at(2800), utc: self.utc)
        #expect(serving.lease?.holder == self.b)
        #expect(state.switchover == nil)
        #expect(
            state.change(since: Term(1))
                == PrimaryChange(term: Term(2), primary: self.b, blockedMilliseconds: 350))

        let follow = try state.heartbeat(
            Fixtures.report(self.a, term: 1, role: .stopped), at: Fixtures.at(2900), utc: self.utc)
        #expect(
            follow.action == .follow(primary: self.b, host: "127.0.0.1", port: 55402, rewind: false)
        )
    }

    @Test func stoppedReportWithoutAPositionWaitsForTheLastOneSeen() throws {
        var state = try Fixtures.healthyCluster()
        _ = try state.beginSwitchover(to: self.b, at: Fixtures.at(2400), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 1, current: 0x5000, names: "site_b"),
            at: Fixtures.at(2450), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.report(self.a, term: 1, role: .stopped), at: Fixtures.at(2500), utc: self.utc)
        #expect(state.switchover?.stage == .waitingForReplay(finalLSN: LSN(0x5000)))
        let behind = try state.heartbeat(
            Fixtures.standby(self.b, term: 1, replay: 0x4FFF), at: Fixtures.at(2550), utc: self.utc)
        #expect(behind.action == .none)
        let caughtUp = try state.heartbeat(
            Fixtures.standby(self.b, term: 1, replay: 0x5000), at: Fixtures.at(2600), utc: self.utc)
        #expect(caughtUp.action == .promote(term: Term(2)))
    }

    @Test func aLaterFailoverRewindsEvenAFormerCleanlyStoppedPrimary() throws {
        var state = try Fixtures.healthyCluster()
        _ = try state.beginSwitchover(to: self.b, at: Fixtures.at(2400), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 1, names: "site_b"), at: Fixtures.at(2450), utc: self.utc
        )
        _ = try state.heartbeat(
            Fixtures.report(self.a, term: 1, role: .stopped, current: 10_000),
            at: Fixtures.at(2500), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(2550), utc: self.utc)
        #expect(state.cleanlyStopped == [self.a])

        // site_a rejoins and becomes promotable; then site_b's lease runs out.
        var now: Int64 = 2600
        for _ in 0..<3 {
            _ = try state.heartbeat(
                Fixtures.primary(self.b, term: 2, names: state.durable.synchronousStandbyNames),
                at: Fixtures.at(now), utc: self.utc)
            _ = try state.heartbeat(
                Fixtures.standby(self.a, term: 2), at: Fixtures.at(now), utc: self.utc)
            _ = state.tick(at: Fixtures.at(now), utc: self.utc)
            now += 100
        }
        #expect(state.durable.isPromotable(self.a))
        _ = try state.heartbeat(
            Fixtures.standby(self.a, term: 2), at: Fixtures.at(4900), utc: self.utc)
        #expect(state.tick(at: Fixtures.at(4900), utc: self.utc).map(\.kind) == [.failover])
        #expect(state.cleanlyStopped.isEmpty)
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 3, standby: nil), at: Fixtures.at(5000), utc: self.utc)
        let follow = try state.heartbeat(
            Fixtures.report(self.b, term: 2, role: .fenced), at: Fixtures.at(5100), utc: self.utc)
        #expect(
            follow.action == .follow(primary: self.a, host: "127.0.0.1", port: 55401, rewind: true))
    }

    @Test func switchoverIsRefusedWhenTheStandbyIsNotPromotable() throws {
        var state = try Fixtures.electedCluster()
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 1), at: Fixtures.at(2100), utc: self.utc)
        let before = state.durable
        let error = #expect(throws: FailoverError.self) {
            try state.beginSwitchover(to: self.b, at: Fixtures.at(2100), utc: self.utc)
        }
        #expect(error?.code == .refused)
        #expect(error?.message.contains("site_b is not promotable") == true)
        #expect(state.durable == before)
        #expect(state.switchover == nil)
    }

    @Test func switchoverRefusesOddTargets() throws {
        var state = try Fixtures.healthyCluster()
        let same = #expect(throws: FailoverError.self) {
            try state.beginSwitchover(to: self.a, at: Fixtures.at(2400), utc: self.utc)
        }
        #expect(same?.message.contains("already the primary") == true)
        let unknown = #expect(throws: FailoverError.self) {
            try state.beginSwitchover(
                to: try NodeName("site_z"), at: Fixtures.at(2400), utc: self.utc)
        }
        #expect(unknown?.code == .unknownNode)
        _ = try state.beginSwitchover(to: self.b, at: Fixtures.at(2400), utc: self.utc)
        let twice = #expect(throws: FailoverError.self) {
            try state.beginSwitchover(to: self.b, at: Fixtures.at(2400), utc: self.utc)
        }
        #expect(twice?.message.contains("already under way") == true)
    }

    @Test func stalledDemotionIsAbandonedAndTheNormalRulesTakeOver() throws {
        var state = try Fixtures.healthyCluster()
        _ = try state.beginSwitchover(to: self.b, at: Fixtures.at(2400), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(6400), utc: self.utc)
        let decisions = state.tick(at: Fixtures.at(6401), utc: self.utc)
        #expect(decisions.map(\.kind) == [.switchoverAbandoned, .failover])
    }

    @Test func forcedFailoverWaitsForTheLeaseFencesTheOldPrimaryAndRecordsDataLoss() throws {
        var state = try Fixtures.electedCluster()
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 1), at: Fixtures.at(2100), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(2100), utc: self.utc)
        #expect(!state.durable.isPromotable(self.b))

        let refused = #expect(throws: FailoverError.self) {
            try state.forceFailover(
                FailoverRequest(to: self.b, force: true, acceptDataLoss: false),
                at: Fixtures.at(2200), utc: self.utc)
        }
        #expect(refused?.message.contains("acceptDataLoss") == true)

        _ = try state.forceFailover(
            FailoverRequest(to: self.b, force: true, acceptDataLoss: true), at: Fixtures.at(2200),
            utc: self.utc)
        let fence = try state.heartbeat(
            Fixtures.primary(self.a, term: 1), at: Fixtures.at(2300), utc: self.utc)
        #expect(fence.lease == nil)
        #expect(fence.action == .fence(reason: "an operator forced site_b to become primary"))
        // The lease granted at 2100 still runs until 4100 (+100 margin): no promotion yet.
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(4000), utc: self.utc)
        #expect(state.tick(at: Fixtures.at(4100), utc: self.utc).isEmpty)
        let decisions = state.tick(at: Fixtures.at(4200), utc: self.utc)
        #expect(decisions.map(\.kind) == [.forcedFailover])
        #expect(decisions.first?.reason.contains("acceptDataLoss") == true)
        #expect(state.durable.term == Term(2))
        #expect(state.durable.primary == self.b)
        #expect(
            state.durable.decisions.suffix(2).map(\.decision) == [
                "forced-failover", "forced-failover",
            ])
    }
}
