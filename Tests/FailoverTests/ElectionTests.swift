import Testing

@testable import Failover

/// Who may be promoted and when: startup wait, lease expiry, promotability, reachability,
/// terms, and the replies each agent gets.
@Suite struct ElectionTests {
    let a = Fixtures.a
    let b = Fixtures.b
    let utc = Fixtures.utc

    @Test func noElectionBeforeOneLeaseHasPassed() throws {
        var state = ClusterState(
            settings: Fixtures.settings(), durable: DurableState(), startedAt: Fixtures.at(0))
        let reply = try state.heartbeat(
            Fixtures.primary(self.a, term: 0, standby: nil), at: Fixtures.at(100), utc: self.utc)
        #expect(reply.lease == nil)
        #expect(reply.primary == nil)
        #expect(state.tick(at: Fixtures.at(1999), utc: self.utc).isEmpty)
        #expect(state.durable.term == Term(0))
    }

    @Test func firstElectionPicksTheNodeRunningAsPrimaryAndGrantsItTheLease() throws {
        var state = try Fixtures.electedCluster()
        #expect(state.durable.term == Term(1))
        #expect(state.durable.primary == self.a)
        #expect(state.durable.decisions.last?.decision == "elect")
        #expect(state.durable.decisions.last?.reason.contains("site_a runs as primary") == true)
        #expect(state.durable.promotable.isEmpty)

        let reply = try state.heartbeat(
            Fixtures.primary(self.a, term: 0), at: Fixtures.at(2050), utc: self.utc)
        #expect(reply.term == Term(1))
        #expect(reply.lease == .init(holder: self.a, validForMilliseconds: 2000))
        #expect(reply.action == .none)
        #expect(state.lease?.expiresAt == Fixtures.at(4050))

        let standby = try state.heartbeat(
            Fixtures.standby(self.b, term: 0), at: Fixtures.at(2060), utc: self.utc)
        #expect(standby.lease == nil)
        #expect(standby.action == .none, "it already streams from site_a")
    }

    @Test func leaseRenewsWithEachHeartbeat() throws {
        var state = try Fixtures.healthyCluster()
        for step in 1...30 {
            let now = Fixtures.at(2300 + Int64(step) * 100)
            let reply = try state.heartbeat(
                Fixtures.primary(self.a, term: 1, names: "site_b"), at: now, utc: self.utc)
            #expect(reply.lease?.holder == self.a)
            #expect(state.tick(at: now, utc: self.utc).isEmpty)
        }
        #expect(state.lease?.expiresAt == Fixtures.at(7300))
        #expect(state.durable.term == Term(1))
    }

    @Test func expiredLeasePromotesThePromotableStandbyInTheNextTerm() throws {
        var state = try Fixtures.healthyCluster()
        // site_a's last renewal was at 2300: the lease ends at 4300, plus a 100 ms margin.
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(4350), utc: self.utc)
        #expect(state.tick(at: Fixtures.at(4399), utc: self.utc).isEmpty)
        let decisions = state.tick(at: Fixtures.at(4400), utc: self.utc)
        #expect(decisions.map(\.kind) == [.failover])
        #expect(decisions.first?.term == Term(2))
        #expect(decisions.first?.reason.contains("lease of site_a ran out") == true)
        #expect(decisions.first?.reason.contains("last renewal 2100 ms ago") == true)
        #expect(state.durable.term == Term(2))
        #expect(state.durable.primary == self.b)
        #expect(state.durable.synchronousStandbyNames == "")
        #expect(state.durable.promotable.isEmpty)
        #expect(state.failoversTotal == 1)

        let promote = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(4450), utc: self.utc)
        #expect(promote.action == .promote(term: Term(2)))
        #expect(promote.lease == nil)

        // The old primary, back before site_b has promoted, is told to fence.
        let early = try state.heartbeat(
            Fixtures.primary(self.a, term: 1), at: Fixtures.at(4460), utc: self.utc)
        #expect(early.lease == nil)
        #expect(early.action == .fence(reason: "site_b is primary in term 2"))

        let promoted = try state.heartbeat(
            Fixtures.primary(self.b, term: 2, standby: nil), at: Fixtures.at(4500), utc: self.utc)
        #expect(promoted.lease?.holder == self.b)
        #expect(promoted.synchronousStandbyNames == "")

        let rejoin = try state.heartbeat(
            Fixtures.report(self.a, term: 1, role: .fenced), at: Fixtures.at(4600), utc: self.utc)
        #expect(
            rejoin.action
                == .follow(primary: self.b, host: "127.0.0.1", port: 55402, rewind: true))
        #expect(state.tick(at: Fixtures.at(4600), utc: self.utc).isEmpty, "no second failover")
    }

    @Test func noFailoverToAStandbyThatIsNotPromotable() throws {
        var state = try Fixtures.electedCluster()
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 1), at: Fixtures.at(2000), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(4100), utc: self.utc)
        #expect(
            state.tick(at: Fixtures.at(4200), utc: self.utc).filter { $0.kind == .failover }.isEmpty
        )
        #expect(state.durable.primary == self.a)
        #expect(state.blockedReason?.contains("site_b is not promotable") == true)
        let first = state.blockedReason
        _ = state.tick(at: Fixtures.at(4250), utc: self.utc)
        #expect(state.blockedReason == first, "the same text each tick, so it is logged once")
        let reply = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(4300), utc: self.utc)
        #expect(reply.action == .none)
    }

    @Test func noFailoverToAnUnreachableStandby() throws {
        var state = try Fixtures.healthyCluster()
        // Neither node is heard after 2300: the standby is unreachable when the lease ends.
        #expect(state.tick(at: Fixtures.at(4500), utc: self.utc).isEmpty)
        #expect(state.blockedReason?.contains("site_b is unreachable") == true)
        #expect(state.durable.term == Term(1))
    }

    @Test func primaryReportingStoppedReleasesItsLeaseAtOnce() throws {
        var state = try Fixtures.healthyCluster()
        let reply = try state.heartbeat(
            Fixtures.report(self.a, term: 1, role: .stopped), at: Fixtures.at(2400), utc: self.utc)
        #expect(reply.lease == nil)
        let decisions = state.tick(at: Fixtures.at(2400), utc: self.utc)
        #expect(decisions.map(\.kind) == [.failover])
        #expect(decisions.first?.reason.contains("released its lease") == true)
    }

    @Test func bothNodesClaimingPrimaryNeverGetTwoLeases() throws {
        var state = try Fixtures.healthyCluster()
        let other = try state.heartbeat(
            Fixtures.primary(self.b, term: 1), at: Fixtures.at(2400), utc: self.utc)
        #expect(other.lease == nil)
        #expect(
            other.action
                == .follow(primary: self.a, host: "127.0.0.1", port: 55401, rewind: true))
        #expect(state.lease?.holder == self.a)

        // With site_a's lease over, site_b claiming primary still gets no lease: it is not
        // the recorded primary and was never promoted.
        let late = try state.heartbeat(
            Fixtures.primary(self.b, term: 1), at: Fixtures.at(4500), utc: self.utc)
        #expect(late.lease == nil)
        #expect(late.action == .fence(reason: "site_a is primary in term 1"))
    }

    @Test func fencedOldPrimaryWithAStaleTermGetsNoLease() throws {
        var state = try Fixtures.healthyCluster()
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(4350), utc: self.utc)
        _ = state.tick(at: Fixtures.at(4400), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.primary(self.b, term: 2, standby: nil), at: Fixtures.at(4500), utc: self.utc)
        let fenced = try state.heartbeat(
            Fixtures.report(self.a, term: 1, role: .fenced), at: Fixtures.at(4600), utc: self.utc)
        #expect(fenced.lease == nil)
        let claiming = try state.heartbeat(
            Fixtures.primary(self.a, term: 1), at: Fixtures.at(4700), utc: self.utc)
        #expect(claiming.lease == nil)
        #expect(state.lease?.holder == self.b)
    }

    @Test func unknownNodesAndFutureTermsAreRefusedAndChangeNothing() throws {
        var state = try Fixtures.healthyCluster()
        let before = state.durable
        let observations = state.observations
        let stranger = #expect(throws: FailoverError.self) {
            try state.heartbeat(
                Fixtures.primary(try NodeName("site_c"), term: 1), at: Fixtures.at(2400),
                utc: self.utc)
        }
        #expect(stranger?.code == .unknownNode)
        let future = #expect(throws: FailoverError.self) {
            try state.heartbeat(
                Fixtures.primary(self.a, term: 7), at: Fixtures.at(2400), utc: self.utc)
        }
        #expect(future?.code == .refused)
        #expect(future?.message.contains("term 7") == true)
        #expect(state.durable == before)
        #expect(state.observations == observations)
    }

    @Test func restartKeepsTermAndPrimaryAndWaitsALeaseBeforeElecting() throws {
        let old = try Fixtures.healthyCluster()
        var state = ClusterState(
            settings: Fixtures.settings(), durable: old.durable, startedAt: Fixtures.at(10_000))
        #expect(state.durable.term == Term(1))
        #expect(state.lease == nil)
        // Nothing heard yet, but no failover before a lease has passed.
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(10_100), utc: self.utc)
        #expect(state.tick(at: Fixtures.at(11_000), utc: self.utc).isEmpty)
        #expect(state.blockedReason?.contains("waiting one lease length") == true)

        // The primary reports during the wait: it keeps its lease, no failover follows.
        let reply = try state.heartbeat(
            Fixtures.primary(self.a, term: 1, names: "site_b"), at: Fixtures.at(11_500),
            utc: self.utc)
        #expect(reply.lease?.holder == self.a)
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(12_000), utc: self.utc)
        #expect(state.tick(at: Fixtures.at(12_000), utc: self.utc).isEmpty)
        #expect(state.durable.primary == self.a)
    }

    @Test func restartWithASilentPrimaryFailsOverAfterTheWait() throws {
        let old = try Fixtures.healthyCluster()
        var state = ClusterState(
            settings: Fixtures.settings(), durable: old.durable, startedAt: Fixtures.at(10_000))
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(11_900), utc: self.utc)
        #expect(state.tick(at: Fixtures.at(11_999), utc: self.utc).isEmpty)
        let decisions = state.tick(at: Fixtures.at(12_000), utc: self.utc)
        #expect(decisions.map(\.kind) == [.failover])
        #expect(state.durable.term == Term(2))
    }

    @Test func fencedPrimaryWithNoPromotableStandbyIsToldToStartAgain() throws {
        var state = try Fixtures.electedCluster()
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 1), at: Fixtures.at(2000), utc: self.utc)
        let reply = try state.heartbeat(
            Fixtures.report(self.a, term: 1, role: .fenced), at: Fixtures.at(4500), utc: self.utc)
        #expect(reply.action == .promote(term: Term(1)))
        #expect(state.durable.term == Term(1))
    }

    @Test func whenBothClaimPrimaryAtTheFirstElectionTheMostAdvancedWins() throws {
        var state = ClusterState(
            settings: Fixtures.settings(), durable: DurableState(), startedAt: Fixtures.at(0))
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 0, current: 500, standby: nil), at: Fixtures.at(1900),
            utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.primary(self.b, term: 0, current: 900, standby: nil), at: Fixtures.at(1900),
            utc: self.utc)
        let decisions = state.tick(at: Fixtures.at(2000), utc: self.utc)
        #expect(decisions.map(\.kind) == [.elect])
        #expect(decisions.first?.reason.contains("most advanced") == true)
        #expect(state.durable.primary == self.b)

        let loser = try state.heartbeat(
            Fixtures.primary(self.a, term: 0, current: 500, standby: nil), at: Fixtures.at(2050),
            utc: self.utc)
        #expect(loser.lease == nil)
        #expect(loser.action == .fence(reason: "site_b is primary in term 1"))
        let winner = try state.heartbeat(
            Fixtures.primary(self.b, term: 0, current: 900, standby: nil), at: Fixtures.at(2060),
            utc: self.utc)
        #expect(winner.lease?.holder == self.b)
    }

    @Test func promotionIsRepeatedAfterARestartUntilTheNewPrimaryReportsIt() throws {
        var before = try Fixtures.healthyCluster()
        _ = try before.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(4350), utc: self.utc)
        #expect(before.tick(at: Fixtures.at(4400), utc: self.utc).map(\.kind) == [.failover])

        // The coordinator restarts before site_b ever heard of its promotion.
        var state = ClusterState(
            settings: Fixtures.settings(), durable: before.durable, startedAt: Fixtures.at(9000))
        let reply = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(9100), utc: self.utc)
        #expect(reply.action == .promote(term: Term(2)))
        #expect(state.tick(at: Fixtures.at(11_100), utc: self.utc).isEmpty, "no second failover")
        #expect(state.durable.term == Term(2))
    }

    @Test func verdictsCarryTheirReasons() {
        let candidates = [
            Election.Candidate(
                name: self.a, reachable: false, role: nil, postgresRunning: false, promotable: false
            ),
            Election.Candidate(
                name: self.b, reachable: true, role: .standby, postgresRunning: false,
                promotable: true),
        ]
        let keep = Election.failover(
            primary: self.a, leaseEnded: nil, startupOver: true, candidates: candidates)
        #expect(keep == .keep(reason: "site_a holds the lease"))
        let blocked = Election.failover(
            primary: self.a, leaseEnded: "gone", startupOver: true, candidates: candidates)
        #expect(blocked.reason.contains("site_b is not a running standby"))
        var running = candidates
        running[1].postgresRunning = true
        let promote = Election.failover(
            primary: self.a, leaseEnded: "gone", startupOver: true, candidates: running)
        #expect(
            promote == .promote(self.b, reason: "gone; site_b is promotable, reachable and running")
        )
    }
}
