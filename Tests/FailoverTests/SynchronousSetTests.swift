import Testing

@testable import Failover

/// Degrading after the grace, re-adding when caught up, promotable only once reported
/// sync, and strict mode that never degrades.
@Suite struct SynchronousSetTests {
    let a = Fixtures.a
    let b = Fixtures.b
    let utc = Fixtures.utc

    /// Keeps site_a's lease alive and reports site_b as `standby` describes, every 100 ms
    /// from `from` to `to`; returns the decisions taken.
    private func run(
        _ state: inout ClusterState, from: Int64, to: Int64,
        standby: (state: String, sync: String, flush: UInt64)?, standbyHeard: Bool = true
    ) throws -> [Decision] {
        var decisions: [Decision] = []
        var now = from
        while now <= to {
            let names = state.durable.synchronousStandbyNames
            _ = try state.heartbeat(
                Fixtures.primary(self.a, term: 1, standby: standby, names: names),
                at: Fixtures.at(now), utc: self.utc)
            if standbyHeard {
                _ = try state.heartbeat(
                    Fixtures.standby(self.b, term: 1), at: Fixtures.at(now), utc: self.utc)
            }
            decisions += state.tick(at: Fixtures.at(now), utc: self.utc)
            now += 100
        }
        return decisions
    }

    @Test func standbyBecomesPromotableOnlyAfterThePrimaryReportsItSync() throws {
        var state = try Fixtures.electedCluster()
        let first = try self.run(
            &state, from: 2100, to: 2100, standby: ("streaming", "async", 10_000))
        #expect(first.map(\.kind) == [.readd])
        #expect(state.durable.synchronousStandbyNames == "site_b")
        #expect(!state.durable.isPromotable(self.b))

        // Applied but still reported potential: not promotable yet.
        let potential = try self.run(
            &state, from: 2200, to: 2500, standby: ("streaming", "potential", 10_000))
        #expect(potential.isEmpty)
        #expect(!state.durable.isPromotable(self.b))

        let sync = try self.run(
            &state, from: 2600, to: 2600, standby: ("streaming", "sync", 10_000))
        #expect(sync.map(\.kind) == [.promotable])
        #expect(sync.first?.reason.contains("reports site_b as sync") == true)
        #expect(state.durable.isPromotable(self.b))
    }

    @Test func standbyFarBehindIsNotAddedBack() throws {
        var state = try Fixtures.electedCluster()
        let decisions = try self.run(
            &state, from: 2100, to: 3000, standby: ("streaming", "async", 5000))
        #expect(decisions.isEmpty, "5000 bytes behind, more than catchUpBytes 1000")
        #expect(state.durable.synchronousStandbyNames == "")
    }

    @Test func degradesAfterTheGraceMarkingNotPromotableBeforeClearingTheNames() throws {
        var state = try Fixtures.healthyCluster()
        let early = try self.run(&state, from: 2400, to: 7300, standby: nil)
        #expect(early.isEmpty, "within the 5 s grace writes wait for the standby")
        #expect(state.durable.isPromotable(self.b))

        let late = try self.run(&state, from: 7400, to: 7400, standby: nil)
        #expect(late.map(\.kind) == [.degrade])
        #expect(late.first?.reason.contains("no replication connection from site_b") == true)
        #expect(!state.durable.isPromotable(self.b))
        #expect(state.durable.synchronousStandbyNames == "")
        #expect(state.degradationsTotal == 1)

        let reply = try state.heartbeat(
            Fixtures.primary(self.a, term: 1, standby: nil, names: "site_b"),
            at: Fixtures.at(7450), utc: self.utc)
        #expect(reply.synchronousStandbyNames == "")

        // Back and caught up: re-added, and promotable once sync again.
        let back = try self.run(&state, from: 7500, to: 7700, standby: ("streaming", "sync", 9_500))
        #expect(back.map(\.kind) == [.readd, .promotable])
        #expect(state.durable.isPromotable(self.b))
    }

    @Test func unreachableStandbyDegradesToo() throws {
        var state = try Fixtures.healthyCluster()
        let decisions = try self.run(
            &state, from: 2400, to: 9500, standby: ("streaming", "sync", 10_000),
            standbyHeard: false)
        #expect(decisions.map(\.kind) == [.degrade])
        #expect(decisions.first?.reason.contains("site_b is unreachable") == true)
    }

    @Test func laggingStandbyDegradesAfterTheGrace() throws {
        var state = try Fixtures.healthyCluster()
        let decisions = try self.run(
            &state, from: 2400, to: 7500, standby: ("streaming", "sync", 1))
        #expect(decisions.map(\.kind) == [.degrade])
        #expect(decisions.first?.reason.contains("bytes behind") == true)
    }

    @Test func strictModeNamesTheStandbyFromTheElection() throws {
        let state = try Fixtures.electedCluster(strict: true)
        #expect(state.durable.synchronousStandbyNames == "site_b")
        #expect(!state.durable.isPromotable(self.b), "promotable only once reported sync")
    }

    @Test func strictModeNeverDegrades() throws {
        var state = try Fixtures.healthyCluster(strict: true)
        let decisions = try self.run(&state, from: 2400, to: 20_000, standby: nil)
        #expect(decisions.isEmpty)
        #expect(state.durable.synchronousStandbyNames == "site_b")
        #expect(state.durable.isPromotable(self.b), "the primary still waits for it")
    }

    @Test func primaryRunningWithoutTheStandbyInItsNamesMakesItUnpromotable() throws {
        var state = try Fixtures.healthyCluster()
        _ = try state.heartbeat(
            Fixtures.primary(self.a, term: 1, names: ""), at: Fixtures.at(2400), utc: self.utc)
        let decisions = state.tick(at: Fixtures.at(2400), utc: self.utc)
        #expect(decisions.map(\.kind) == [.degrade])
        #expect(decisions.first?.reason.contains("does not wait for site_b") == true)
        #expect(!state.durable.isPromotable(self.b))
    }

    /// The postmaster and its agent lost together: the agent's last report still says the
    /// server runs but could read none of its settings. Names not reported are unknown, not
    /// empty: the standby stays promotable, so a failover can follow when the lease ends.
    @Test func namesNotReportedLeaveTheStandbyPromotable() throws {
        var state = try Fixtures.healthyCluster()
        var blind = Fixtures.primary(self.a, term: 1)
        blind.synchronousStandbyNames = nil
        _ = try state.heartbeat(blind, at: Fixtures.at(2400), utc: self.utc)
        _ = try state.heartbeat(
            Fixtures.standby(self.b, term: 1), at: Fixtures.at(2400), utc: self.utc)
        let decisions = state.tick(at: Fixtures.at(2400), utc: self.utc)

        #expect(decisions.isEmpty, "\(decisions.map(\.reason))")
        #expect(state.durable.isPromotable(self.b))
        #expect(state.durable.synchronousStandbyNames == "site_b")
    }

    @Test func namesParseEveryForm() {
        #expect(SynchronousSet.names(in: "site_b") == ["site_b"])
        #expect(SynchronousSet.names(in: "FIRST 1 (site_a, \"site_b\")") == ["site_a", "site_b"])
        #expect(SynchronousSet.names(in: "ANY 1 (site_b)") == ["site_b"])
        #expect(SynchronousSet.names(in: "").isEmpty)
    }
}
