import Foundation
import Referrals
import Testing

extension PortalAPISuites {
    /// The referrer's tracking: live list and archive with filters and cursor paging, the
    /// detail with its event history, who sees what, and the audit of every read.
    @Suite("Referral tracking")
    struct ReferralTrackingTests {
        static func ids(_ response: PortalClient.Response) -> [String] {
            (response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }

        /// Five referrals by the referrer (two for a second patient, one urgent CT), one by
        /// the delegate on the referrer's behalf, one by the colleague.
        static func populate(
            _ world: ReferralWorld, referrer: PortalClient, delegate: PortalClient,
            colleague: PortalClient
        ) async throws -> (mine: [String], delegated: String, colleagues: String) {
            var mine: [String] = []
            for index in 0..<3 {
                let answer = try await ReferralWorld.submit(
                    referrer, world.form(urgency: index == 0 ? "urgent" : "routine"))
                try #require(answer.status == 201, "\(answer.text)")
                mine.append(try #require(answer.json["id"] as? String))
            }
            let bob = world.form(nhsNumber: "4010232137", givenName: "Bob", familyName: "Sample")
            for _ in 0..<2 {
                let answer = try await ReferralWorld.submit(referrer, bob)
                mine.append(try #require(answer.json["id"] as? String))
            }
            var forReferrer = world.form()
            forReferrer.referrerID = world.harness.referrer.id.uuidString
            let delegated = try await ReferralWorld.submit(delegate, forReferrer)
            let theirs = try await ReferralWorld.submit(colleague, world.form())
            return (
                mine, try #require(delegated.json["id"] as? String),
                try #require(theirs.json["id"] as? String)
            )
        }

        @Test("lists: own and delegated referrals, filters, cursor paging, archive")
        func lists() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let delegate = try await harness.signIn(world.delegate.email).authenticated()
                let colleague = try await harness.signIn(world.colleague.email).authenticated()
                let (mine, delegated, colleagues) = try await Self.populate(
                    world, referrer: referrer, delegate: delegate, colleague: colleague)

                let all = try await referrer.get("/api/v1/referrals")
                #expect(all.status == 200)
                #expect(Self.ids(all) == [delegated] + mine.reversed())
                #expect(Self.ids(try await delegate.get("/api/v1/referrals")) == [delegated])
                #expect(Self.ids(try await colleague.get("/api/v1/referrals")) == [colleagues])
                let first = (all.json["items"] as? [[String: Any]])?.first
                let patient = first?["patient"] as? [String: Any]
                #expect(patient?["nhsNumber"] as? String == "9434765919")
                #expect(
                    (first?["procedure"] as? [String: Any])?["name"] as? String == "MRI of knee")

                let bobs = try await referrer.get("/api/v1/referrals?nhsNumber=401%20023%202137")
                #expect(Self.ids(bobs) == [mine[4], mine[3]])
                let byName = try await referrer.get("/api/v1/referrals?name=SAMP")
                #expect(Self.ids(byName) == [mine[4], mine[3]])
                let urgent = try await referrer.get("/api/v1/referrals?urgency=urgent&modality=MRI")
                #expect(Self.ids(urgent) == [mine[0]])
                let none = try await referrer.get("/api/v1/referrals?state=booked")
                #expect(Self.ids(none).isEmpty)

                var seen: [String] = []
                var path = "/api/v1/referrals?limit=2"
                for _ in 0..<5 {
                    let page = try await referrer.get(path)
                    seen += Self.ids(page)
                    guard let next = page.json["next"] as? String else { break }
                    path = "/api/v1/referrals?limit=2&after=\(next)"
                }
                #expect(seen == [delegated] + mine.reversed())

                let bad = try await referrer.get("/api/v1/referrals?state=lost&limit=0&colour=red")
                #expect(bad.status == 400)
                #expect(bad.fieldPointers == ["state", "limit", "colour"])
                let badNumber = try await referrer.get("/api/v1/referrals?nhsNumber=9434765918")
                #expect(badNumber.fieldPointers == ["nhsNumber"])

                try await harness.sql(
                    """
                    UPDATE portal.referrals SET state = 'completed', closed_at = now(),
                        report_completed_at = now() - interval '1 day',
                        report_distributed_at = now()
                    WHERE id = '\(mine[1])';
                    UPDATE portal.referrals SET state = 'completed',
                        closed_at = now() - interval '13 months'
                    WHERE id = '\(mine[2])';
                    """)
                let live = try await referrer.get("/api/v1/referrals")
                #expect(Self.ids(live) == [delegated, mine[4], mine[3], mine[0]])
                let archive = try await referrer.get("/api/v1/referrals/archive")
                #expect(archive.status == 200)
                #expect(Self.ids(archive) == [mine[1]])
                let archived = (archive.json["items"] as? [[String: Any]])?.first
                #expect(archived?["reportDistributedAt"] is String)
                #expect(archived?["reportCompletedAt"] is String)
            }
        }

        @Test("detail with its events; other referrers' and other tenants' ids are not found")
        func detail() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let delegate = try await harness.signIn(world.delegate.email).authenticated()
                let colleague = try await harness.signIn(world.colleague.email).authenticated()
                let (mine, delegated, colleagues) = try await Self.populate(
                    world, referrer: referrer, delegate: delegate, colleague: colleague)

                let read = try await referrer.get("/api/v1/referrals/\(delegated)")
                #expect(read.status == 200, "\(read.text)")
                let events = read.json["events"] as? [[String: Any]] ?? []
                #expect(events.count == 1)
                #expect(events.first?["toState"] as? String == "submitted")
                #expect(events.first?["fromState"] == nil)
                #expect(
                    (events.first?["actor"] as? [String: Any])?["name"] as? String
                        == "Mo Coordinator")
                #expect(
                    (events.first?["onBehalfOf"] as? [String: Any])?["id"] as? String
                        == harness.referrer.id.uuidString.lowercased())
                #expect(
                    (read.json["submittedBy"] as? [String: Any])?["name"] as? String
                        == "Mo Coordinator")
                #expect(
                    (read.json["preferredSite"] as? [String: Any])?["name"] as? String
                        == "York Imaging Centre")
                let others = (read.json["otherReferrals"] as? [[String: Any]] ?? []).compactMap {
                    $0["id"] as? String
                }
                #expect(Set(others) == Set(mine.prefix(3)))
                #expect((read.json["safetyAnswers"] as? [String: Any])?["mri"] != nil)

                // The delegate sees what they made, not the referrer's own.
                #expect(try await delegate.get("/api/v1/referrals/\(delegated)").status == 200)
                let notTheirs = try await delegate.get("/api/v1/referrals/\(mine[0])")
                let colleaguesRead = try await referrer.get("/api/v1/referrals/\(colleagues)")
                let madeUp = try await referrer.get("/api/v1/referrals/\(UUID())")
                let other = try await harness.signIn(
                    world.otherReferrer.email, host: PortalHarness.otherHost
                ).authenticated()
                let otherTenant = try await other.get("/api/v1/referrals/\(mine[0])")
                for answer in [notTheirs, colleaguesRead, madeUp, otherTenant] {
                    #expect(answer.status == 404)
                    #expect(answer.problemType == "urn:imaging-portal:problem:not-found")
                    #expect(answer.json["detail"] as? String == madeUp.json["detail"] as? String)
                }
                #expect(Self.ids(try await other.get("/api/v1/referrals")).isEmpty)

                let admin = try await harness.signIn(harness.admin.email).authenticated()
                #expect(try await admin.get("/api/v1/referrals").status == 403)
            }
        }

        @Test("every read of patient data is audited with the patients it showed")
        func audited() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let first = try await ReferralWorld.submit(referrer, world.form())
                let id = try #require(first.json["id"] as? String)
                let patient = try #require(first.json["patientID"] as? String)

                _ = try await referrer.get("/api/v1/referrals?nhsNumber=9434765919")
                let listed = try await world.value(
                    """
                    SELECT patient_id, details->>'patients', details->>'referrals',
                           details->>'filter_nhs_number', actor_user_id
                    FROM portal.audit_events WHERE action = 'referral.listed';
                    """)
                let user = harness.referrer.id.uuidString.lowercased()
                #expect(listed == "\(patient)|\(patient)|1|9434765919|\(user)")

                _ = try await referrer.get("/api/v1/referrals/\(id)")
                _ = try await referrer.get("/api/v1/referrals/archive")
                let actions = try await harness.auditActions()
                #expect(actions.suffix(2) == ["referral.read", "referral.archive_listed"])
                let read = try await world.value(
                    """
                    SELECT patient_id, record_type, record_id FROM portal.audit_events
                    WHERE action = 'referral.read';
                    """)
                #expect(read == "\(patient)|referral|\(id)")
                #expect(try await harness.verifyAuditChain())
            }
        }

        @Test("documented response members are those the referral endpoints send")
        func responseShapes() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let document = try await OpenAPITests.document(harness)
                let schemas =
                    (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
                func properties(_ name: String) -> Set<String> {
                    let schema = schemas?[name] as? [String: Any]
                    return Set((schema?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
                }

                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let submitted = try await ReferralWorld.submit(referrer, world.form())
                #expect(Set(submitted.json.keys) == properties("SubmittedReferral"))
                let id = try #require(submitted.json["id"] as? String)
                try await harness.sql(
                    """
                    UPDATE portal.referrals SET appointment_at = now(),
                        appointment_site_id = '\(world.site.uuidString.lowercased())'
                    WHERE id = '\(id)';
                    """)
                let page = try await referrer.get("/api/v1/referrals")
                #expect(Set(page.json.keys).isSubset(of: properties("ReferralPage")))
                let item = (page.json["items"] as? [[String: Any]])?.first ?? [:]
                #expect(Set(item.keys).isSubset(of: properties("ReferralSummary")))
                #expect(item["appointmentSite"] is [String: Any])
                let detail = try await referrer.get("/api/v1/referrals/\(id)")
                #expect(Set(detail.json.keys) == properties("ReferralDetail"))
                let stopped = try await ReferralWorld.submit(referrer, ReferralForm())
                #expect(Set(stopped.json.keys).isSubset(of: properties("Problem")))
            }
        }
    }
}
