import Foundation
import Testing

@testable import Failover

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The real `portal-coordinator` driven over HTTP the way agents and operators drive it.
@Suite(.serialized) struct CoordinatorProcessTests {
    /// Rounds of heartbeats until site_a is primary and site_b promotable.
    private func healthyPair(_ coordinator: CoordinatorProcess) throws -> SimulatedPair {
        var pair = SimulatedPair(coordinator: coordinator)
        let healthy = try pair.until(rounds: 40) { status in
            status.primary == Fixtures.a
                && status.nodes.first { $0.name == Fixtures.b }?.promotable == true
        }
        #expect(healthy, "site_a elected and site_b promotable within 4 s")
        return pair
    }

    @Test func leaseIsGrantedAndRenewed() throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = try self.healthyPair(coordinator)

        for _ in 0..<10 {
            let replies = try pair.round()
            #expect(replies.a?.lease == .init(holder: Fixtures.a, validForMilliseconds: 1000))
            #expect(replies.a?.action == Action.none)
            #expect(replies.a?.synchronousStandbyNames == "site_b")
            #expect(replies.b?.lease == nil)
        }
        let status = try coordinator.status()
        #expect(status.term == Term(1))
        #expect(status.lease?.holder == Fixtures.a)
        #expect((status.lease?.expiresInMilliseconds ?? 0) > 700)

        let metrics = try coordinator.client.exchange(
            method: "GET", path: "/metrics", body: nil, timeout: .seconds(2))
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(metrics.status == 200)
        for line in [
            "coordinator_term 1", #"coordinator_node_promotable{node="site_b"} 1"#,
            #"coordinator_node_reachable{node="site_a"} 1"#,
            #"coordinator_node_lag_bytes{node="site_b"} 0"#, "coordinator_failovers_total 0",
            "coordinator_degradations_total 0",
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
        #expect(text.contains("coordinator_lease_remaining_seconds 0."))
        #expect(coordinator.stop() == 0)
        let log = coordinator.log()
        #expect(log.contains(#""failover.decision":"elect""#))
        #expect(log.contains(#""failover.decision":"promotable""#))
    }

    @Test func leaseExpiryPromotesTheStandbyWithTheNextTermOnDisk() throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = try self.healthyPair(coordinator)

        // site_a goes silent; site_b keeps reporting until it is told to promote.
        let silentAt = ContinuousClock.now
        var promote: CoordinatorReply?
        for _ in 0..<40 where promote == nil {
            let reply = try pair.round(primary: false).b
            if case .promote = reply?.action { promote = reply }
        }
        let waited = ContinuousClock.now - silentAt
        #expect(promote?.action == .promote(term: Term(2)))
        #expect(promote?.primary == Fixtures.b)
        #expect(waited >= .milliseconds(900) && waited < .seconds(3), "\(waited)")

        let saved = try JSONDecoder().decode(
            DurableState.self, from: Data(coordinator.stateFile() ?? []))
        #expect(saved.term == Term(2))
        #expect(saved.primary == Fixtures.b)
        #expect(saved.decisions.last?.decision == "failover")

        // site_b reports as primary in term 2 and gets the lease; site_a, back, is fenced.
        let promoted = try coordinator.beat(Fixtures.primary(Fixtures.b, term: 2, standby: nil))
        #expect(promoted.lease?.holder == Fixtures.b)
        let back = try coordinator.beat(Fixtures.primary(Fixtures.a, term: 1))
        #expect(back.lease == nil)
        #expect(
            back.action
                == .follow(primary: Fixtures.b, host: "127.0.0.1", port: 55402, rewind: true))
        #expect(coordinator.stop() == 0)
        #expect(coordinator.log().contains("lease of site_a ran out"))
    }

    @Test func restartKeepsTermAndPrimaryAndWaitsALeaseBeforeElecting() throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = try self.healthyPair(coordinator)
        _ = try pair.round()
        coordinator.stop(SIGKILL)

        try coordinator.start()
        let restartedAt = ContinuousClock.now
        let status = try coordinator.status()
        #expect(status.term == Term(1))
        #expect(status.primary == Fixtures.a)
        #expect(status.nodes.first { $0.name == Fixtures.b }?.promotable == true)
        #expect(status.lease == nil)

        // Only the standby reports: no election during the first lease after the start.
        var promotedAt: Duration?
        for _ in 0..<40 where promotedAt == nil {
            if case .promote = try pair.round(primary: false).b?.action {
                promotedAt = ContinuousClock.now - restartedAt
            }
        }
        #expect(
            promotedAt.map { $0 >= .milliseconds(1000) } == true,
            "\(String(describing: promotedAt))")
        #expect(try coordinator.status().term == Term(2))
        #expect(coordinator.log().contains("waiting one lease length"))
    }

    @Test func restartWithAReportingPrimaryChangesNothing() throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = try self.healthyPair(coordinator)
        coordinator.stop(SIGTERM)
        try coordinator.start()
        for _ in 0..<25 {
            let replies = try pair.round()
            #expect(replies.a?.lease?.holder == Fixtures.a)
            #expect(replies.b?.action == Action.none)
        }
        let status = try coordinator.status()
        #expect(status.term == Term(1))
        #expect(status.primary == Fixtures.a)
    }

    @Test func lostStandbyLeavesTheSynchronousSetAfterTheGraceNotPromotableFirst() throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = try self.healthyPair(coordinator)

        let lostAt = ContinuousClock.now
        var names: String?
        for _ in 0..<40 where names != "" {
            names = try pair.round(standby: false, row: nil).a?.synchronousStandbyNames
        }
        let waited = ContinuousClock.now - lostAt
        #expect(names == "")
        #expect(waited >= .milliseconds(1400), "the 1.5 s grace: \(waited)")
        let saved = try JSONDecoder().decode(
            DurableState.self, from: Data(coordinator.stateFile() ?? []))
        #expect(saved.promotable.isEmpty)
        #expect(saved.synchronousStandbyNames == "")
        #expect(saved.decisions.last?.decision == "degrade")
        #expect(try coordinator.status().nodes.first { $0.name == Fixtures.b }?.promotable == false)

        // Back and caught up: in the set again, then promotable once reported sync.
        let back = try pair.until(rounds: 20) { status in
            status.synchronousStandbyNames == "site_b"
                && status.nodes.first { $0.name == Fixtures.b }?.promotable == true
        }
        #expect(back)
        let metrics = try coordinator.client.exchange(
            method: "GET", path: "/metrics", body: nil, timeout: .seconds(2))
        #expect(
            String(decoding: metrics.body, as: UTF8.self).contains(
                "coordinator_degradations_total 1\n"))
    }

    @Test func badRequestsGetProblemsAndChangeNothing() throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = try self.healthyPair(coordinator)
        _ = try pair.round()
        coordinator.stop(SIGTERM)
        try coordinator.start()
        let fileBefore = coordinator.stateFile()
        let before = try coordinator.status()

        let malformed = try coordinator.post("/v1/heartbeat", Array("{\"node\": ".utf8))
        #expect(malformed.status == 400)
        #expect(malformed.headers["content-type"] == "application/problem+json")
        #expect(FailoverHTTPClient.problemDetail(malformed.body).contains("not valid JSON"))

        let missing = try coordinator.post("/v1/heartbeat", Array(#"{"node":"site_a"}"#.utf8))
        #expect(missing.status == 400)
        #expect(FailoverHTTPClient.problemDetail(missing.body).contains("missing key 'term'"))

        let badName = try coordinator.post(
            "/v1/heartbeat",
            Array(#"{"node":"Site-A","term":1,"role":"primary","postgresRunning":true}"#.utf8))
        #expect(badName.status == 400)

        let unknown = #expect(throws: FailoverHTTPError.self) {
            try coordinator.beat(Fixtures.primary(try NodeName("site_c"), term: 1))
        }
        #expect(unknown?.status == 404)
        #expect(unknown?.detail?.contains("site_c") == true)

        let ahead = #expect(throws: FailoverHTTPError.self) {
            try coordinator.beat(Fixtures.primary(Fixtures.a, term: 9))
        }
        #expect(ahead?.status == 409)

        let huge = try coordinator.post(
            "/v1/heartbeat", Array(repeating: UInt8(ascii: " "), count: 100_000))
        #expect(huge.status == 413)
        #expect(huge.headers["content-type"] == "application/problem+json")

        _ = try? coordinator.beat(Fixtures.primary(Fixtures.a, term: 9))
        let refusals = coordinator.log().components(separatedBy: "heartbeat refused").count - 1
        #expect(refusals == 2, "the unknown node and the term ahead, each said once")

        let after = try coordinator.status()
        #expect(coordinator.stateFile() == fileBefore)
        #expect(after.term == before.term)
        #expect(after.primary == before.primary)
        #expect(after.decisions == before.decisions)
        #expect(after.nodes.map(\.lastHeartbeatMillisecondsAgo).allSatisfy { $0 == nil })
        #expect(after.lease == nil)
    }

    @Test func switchoverIsRefusedWhileTheStandbyIsNotPromotable() throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = SimulatedPair(coordinator: coordinator)
        let elected = try pair.until(rounds: 30, row: nil) { $0.primary == Fixtures.a }
        #expect(elected)
        _ = try pair.round(row: nil)
        let fileBefore = coordinator.stateFile()

        let refused = #expect(throws: FailoverHTTPError.self) {
            try coordinator.client.post(
                "/v1/switchover", SwitchoverRequest(to: Fixtures.b), as: PrimaryChangeReply.self,
                timeout: .seconds(5))
        }
        #expect(refused?.status == 409)
        #expect(refused?.detail?.contains("site_b is not promotable") == true)
        #expect(coordinator.stateFile() == fileBefore)
        #expect(try coordinator.status().primary == Fixtures.a)
    }

    @Test func switchoverDemotesThenPromotesAndAnswersWithTheBlockedTime() async throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = try self.healthyPair(coordinator)
        _ = try pair.round()

        let client = coordinator.client
        let request = Task.detached {
            try client.post(
                "/v1/switchover", SwitchoverRequest(), as: PrimaryChangeReply.self,
                timeout: .seconds(10))
        }
        // site_a: told to demote, it stops at 0/2710 and reports so.
        var demoted = false
        for _ in 0..<30 where !demoted {
            if case .demote = try pair.round().a?.action { demoted = true }
        }
        #expect(demoted)
        var promote: Action?
        for _ in 0..<30 where promote == nil {
            _ = try coordinator.beat(
                Fixtures.report(Fixtures.a, term: 1, role: .stopped, current: 10_000))
            let reply = try coordinator.beat(Fixtures.standby(Fixtures.b, term: 1, replay: 10_000))
            if case .promote = reply.action { promote = reply.action }
            usleep(50_000)
        }
        #expect(promote == .promote(term: Term(2)))
        _ = try coordinator.beat(Fixtures.primary(Fixtures.b, term: 2, standby: nil))
        let answer = try await request.value
        #expect(answer.term == Term(2))
        #expect(answer.primary == Fixtures.b)
        #expect(answer.blockedMilliseconds > 0 && answer.blockedMilliseconds < 3000)

        let follow = try coordinator.beat(Fixtures.report(Fixtures.a, term: 1, role: .stopped))
        #expect(
            follow.action
                == .follow(primary: Fixtures.b, host: "127.0.0.1", port: 55402, rewind: false))
        #expect(coordinator.log().contains(#""failover.decision":"switchover""#))
    }

    @Test func forcedFailoverFencesWaitsOutTheLeaseAndRecordsTheDataLoss() async throws {
        let coordinator = try CoordinatorProcess()
        try coordinator.start()
        var pair = SimulatedPair(coordinator: coordinator)
        let elected = try pair.until(rounds: 30, row: nil) { $0.primary == Fixtures.a }
        #expect(elected)
        #expect(try pair.round(row: nil).a?.lease?.holder == Fixtures.a)

        let unsure = #expect(throws: FailoverHTTPError.self) {
            try coordinator.client.post(
                "/v1/failover", FailoverRequest(to: Fixtures.b, force: true, acceptDataLoss: false),
                as: PrimaryChangeReply.self, timeout: .seconds(5))
        }
        #expect(unsure?.status == 409)

        let client = coordinator.client
        let requestedAt = ContinuousClock.now
        let request = Task.detached {
            try client.post(
                "/v1/failover", FailoverRequest(to: Fixtures.b, force: true, acceptDataLoss: true),
                as: PrimaryChangeReply.self, timeout: .seconds(10))
        }
        var fenced = false
        var promote: Action?
        for _ in 0..<40 where promote == nil {
            let replies = try pair.round(row: nil)
            if case .fence = replies.a?.action {
                fenced = true
                #expect(replies.a?.lease == nil)
            }
            if case .promote = replies.b?.action { promote = replies.b?.action }
        }
        #expect(fenced)
        #expect(promote == .promote(term: Term(2)))
        let waited = ContinuousClock.now - requestedAt
        #expect(waited >= .milliseconds(700), "site_a's lease is waited out: \(waited)")
        _ = try coordinator.beat(Fixtures.primary(Fixtures.b, term: 2, standby: nil))
        let answer = try await request.value
        #expect(answer.term == Term(2))
        #expect(answer.primary == Fixtures.b)

        let saved = try JSONDecoder().decode(
            DurableState.self, from: Data(coordinator.stateFile() ?? []))
        #expect(saved.decisions.last?.decision == "forced-failover")
        #expect(saved.decisions.last?.reason.contains("acceptDataLoss") == true)
    }

    @Test func corruptStateFileOrBadConfigurationRefusesToStart() throws {
        let coordinator = try CoordinatorProcess()
        try Data("{\"term\": 4, \"primary\": ".utf8).write(
            to: URL(fileURLWithPath: coordinator.statePath))
        let process = try coordinator.launch()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(coordinator.log().contains("state file \(coordinator.statePath)"))
        #expect(coordinator.stateFile() == Array("{\"term\": 4, \"primary\": ".utf8))

        try Data("{\"listen\": {}}".utf8).write(to: URL(fileURLWithPath: coordinator.configPath))
        let again = try coordinator.launch()
        again.waitUntilExit()
        #expect(again.terminationStatus == 2)
        #expect(coordinator.log().contains("missing key 'listen.host'"))
    }
}
