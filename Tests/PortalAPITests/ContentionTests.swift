import Foundation
import Postgres
import Testing

extension PortalAPISuites {
    /// Many requests at once against a pool of four connections, as on a busy API node.
    @Suite("Contention")
    struct ContentionTests {
        /// Every request is answered and every connection comes back to the pool. Guessed
        /// ids make each approval roll back, and registrations commit in between, so leases
        /// are taken and returned quickly; a connection handed to a caller that was not yet
        /// listening used to be lost, and its request hung.
        @Test(
            "concurrent requests are all answered and leave no connection leased",
            .timeLimit(.minutes(1)))
        func concurrentRequests() async throws {
            try await PortalHarness.with { harness in
                let answer = try await harness.client(host: PortalHarness.otherHost).post(
                    "/api/v1/registration-requests",
                    json: RegistrationTests.form(email: "elsewhere@nhs.test"))
                let foreign = try #require(answer.json["id"] as? String)
                let admin = try await harness.signIn(harness.admin.email).authenticated()

                let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                    for lane in 0..<8 {
                        group.addTask {
                            try await Self.lane(lane, admin: admin, harness: harness, id: foreign)
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0 += $1 }
                }

                #expect(statuses.count == 8 * 60)
                #expect(statuses.allSatisfy { $0 == 404 || $0 == 201 || $0 == 429 })
                let statistics = await harness.pools[0].statistics
                #expect(statistics.leased == 0)
                #expect(statistics.waiting == 0)
            }
        }

        /// Sixty requests one after another: approvals of the guessed id, with a
        /// registration every tenth.
        private static func lane(
            _ lane: Int, admin: PortalClient, harness: PortalHarness, id: String
        ) async throws -> [Int] {
            var statuses: [Int] = []
            for round in 0..<60 {
                if round % 10 == 0 {
                    let registered = try await harness.client(address: "192.0.2.\(10 + lane)")
                        .post(
                            "/api/v1/registration-requests",
                            json: RegistrationTests.form(email: "r\(lane)-\(round)@nhs.test"))
                    statuses.append(registered.status)
                } else {
                    let approval = try await admin.post(
                        "/api/v1/registration-requests/\(id)/approve")
                    statuses.append(approval.status)
                }
            }
            return statuses
        }
    }
}
