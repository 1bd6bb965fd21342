import Foundation
import Referrals
import Testing

extension PortalAPISuites {
    /// Submitting referrals over HTTP: the minimum dataset checked field by field, safety
    /// rules, patient matching by NHS number, delegates, and the audit trail.
    @Suite("Referral submission")
    struct ReferralSubmissionTests {
        static let problem = "urn:imaging-portal:problem:"

        @Test("a referral is stored with its patient, history, first event, key and audit row")
        func submitted() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                var form = world.form()
                form.patient?.mobile = nil
                let answer = try await ReferralWorld.submit(referrer, form, key: "first-key")
                #expect(answer.status == 201, "\(answer.text)")
                let id = try #require(answer.json["id"] as? String)
                let patient = try #require(answer.json["patientID"] as? String)
                #expect(answer.header("Location") == "/api/v1/referrals/\(id)")
                #expect(answer.json["state"] as? String == "submitted")
                #expect(answer.json["newPatient"] as? Bool == true)
                #expect(answer.json["lettersOnly"] as? Bool == true)
                #expect(answer.json["needsReview"] as? Bool == false)
                #expect(answer.header("Idempotent-Replayed") == nil)

                let row = try await world.value(
                    """
                    SELECT r.referrer_user_id = r.submitted_by_user_id, r.state, r.modality,
                           p.nhs_number, p.letters_only, p.postcode,
                           (SELECT count(*) FROM portal.patient_demographics_history),
                           (SELECT from_state IS NULL AND to_state = 'submitted'
                            FROM portal.referral_events WHERE referral_id = r.id),
                           (SELECT response_status FROM portal.idempotency_keys
                            WHERE key = 'first-key')
                    FROM portal.referrals r JOIN portal.patients p ON p.id = r.patient_id
                    WHERE r.id = '\(id)';
                    """)
                #expect(row == "t|submitted|MRI|9434765919|t|LS1 4AP|1|t|201")
                let audit = try await world.value(
                    """
                    SELECT action, patient_id, record_id, on_behalf_of_user_id IS NULL
                    FROM portal.audit_events ORDER BY seq DESC LIMIT 1;
                    """)
                #expect(audit == "referral.submitted|\(patient)|\(id)|t")
                #expect(try await harness.verifyAuditChain())
            }
        }

        @Test("every bad field is named in one answer, and nothing is stored")
        func invalidFields() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                var form = world.form(nhsNumber: "1234567890", dateOfBirth: "2999-01-01")
                form.patient?.address?.postcode = "ZZ9 9ZZ"
                form.patient?.mobile = "0113 496 0000"
                form.urgency = "soon"
                form.safety?.mri?.claustrophobia = nil
                let answer = try await ReferralWorld.submit(referrer, form)
                #expect(answer.status == 422)
                #expect(
                    answer.fieldPointers == [
                        "/patient/nhsNumber", "/patient/dateOfBirth", "/patient/address/postcode",
                        "/patient/mobile", "/urgency", "/safety/mri/claustrophobia",
                    ])

                var unknown = world.form()
                unknown.procedureID = world.notOffered.uuidString
                unknown.modality = "DEXA"
                unknown.safety = SafetyForm(
                    ionising: IonisingAnswers(pregnancy: "not_applicable", breastfeeding: false))
                let notOffered = try await ReferralWorld.submit(referrer, unknown)
                #expect(notOffered.fieldPointers == ["/preferredSiteID"])
                unknown.procedureID = world.otherTenantProcedure.uuidString
                let otherTenant = try await ReferralWorld.submit(referrer, unknown)
                #expect(otherTenant.fieldPointers == ["/procedureID"])
                var mismatch = world.form()
                mismatch.modality = "CT"
                #expect(
                    try await ReferralWorld.submit(referrer, mismatch).fieldPointers == [
                        "/modality"
                    ])

                let misspelt = try await referrer.send(
                    "POST", "/api/v1/referrals",
                    headers: ["Content-Type": "application/json", "Idempotency-Key": "k"],
                    body: Array(#"{"urgnet": "routine"}"#.utf8))
                #expect(misspelt.status == 422)
                #expect(misspelt.fieldPointers == ["/urgnet"])

                let stored = try await world.value(
                    """
                    SELECT (SELECT count(*) FROM portal.referrals)
                         + (SELECT count(*) FROM portal.patients)
                         + (SELECT count(*) FROM portal.idempotency_keys);
                    """)
                #expect(stored == "0")
            }
        }

        @Test("safety answers stop a referral with reasons, or flag it for a radiologist")
        func safety() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                var form = world.form()
                form.safety?.mri?.pacemakerOrICD = true
                form.safety?.mri?.deviceMRConditional = false
                let stopped = try await ReferralWorld.submit(referrer, form)
                #expect(stopped.status == 422)
                #expect(stopped.problemType == Self.problem + "referral-stopped")
                #expect(stopped.fieldPointers == ["/safety/mri/pacemakerOrICD"])

                form = world.form(procedure: world.mriLiver)
                form.safety?.mri?.claustrophobia = true
                form.safety?.contrast = ContrastAnswers(
                    egfr: 24, egfrDate: CalendarDate.today().iso, contrastAllergy: false)
                let flagged = try await ReferralWorld.submit(referrer, form)
                #expect(flagged.status == 201, "\(flagged.text)")
                #expect(flagged.json["needsReview"] as? Bool == true)
                let codes = (flagged.json["reviewReasons"] as? [[String: Any]])?
                    .compactMap { $0["code"] as? String }
                #expect(codes == ["claustrophobia", "egfr_low"])

                try await harness.sql(
                    """
                    INSERT INTO portal.safety_rules (tenant_id, egfr_review_below)
                    VALUES ('\(harness.tenant)', 20);
                    """)
                let relaxed = try await ReferralWorld.submit(referrer, form)
                let relaxedCodes = (relaxed.json["reviewReasons"] as? [[String: Any]])?
                    .compactMap { $0["code"] as? String }
                #expect(relaxedCodes == ["claustrophobia"])
                let stored = try await world.value(
                    "SELECT count(*) FROM portal.referrals WHERE needs_review;")
                #expect(stored == "2")
            }
        }

        @Test("the NHS number links a known patient; disagreeing identity is flagged, not merged")
        func matching() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let first = try await ReferralWorld.submit(referrer, world.form())
                let patient = try #require(first.json["patientID"] as? String)

                var moved = world.form(nhsNumber: "9434765919")
                moved.patient?.address = AddressForm(
                    lines: ["9 New Road"], town: "York", postcode: "yo17hh")
                let second = try await ReferralWorld.submit(referrer, moved)
                #expect(second.json["patientID"] as? String == patient)
                #expect(second.json["newPatient"] as? Bool == false)
                #expect(second.json["demographicDifferences"] as? [String] == [])

                let other = world.form(givenName: "Anne", dateOfBirth: "1961-01-31")
                let third = try await ReferralWorld.submit(referrer, other)
                #expect(third.status == 201)
                #expect(third.json["patientID"] as? String == patient)
                #expect(
                    third.json["demographicDifferences"] as? [String] == [
                        "given_name", "date_of_birth",
                    ])

                let record = try await world.value(
                    """
                    SELECT given_name, date_of_birth, town, postcode, count(*) OVER ()
                    FROM portal.patients;
                    """)
                #expect(record == "Ann|1960-01-31|York|YO1 7HH|1")
                let history = try await world.value(
                    """
                    SELECT coalesce(nullif(array_to_string(differences, ','), ''), '-')
                    FROM portal.patient_demographics_history ORDER BY recorded_at;
                    """)
                #expect(
                    history.components(separatedBy: "\n") == [
                        "-", "address_lines,town,postcode",
                        "given_name,date_of_birth,address_lines,town,postcode",
                    ])
                let flags = try await world.value(
                    """
                    SELECT needs_demographic_review FROM portal.referrals ORDER BY created_at;
                    """)
                #expect(flags == "f\nf\nt")
            }
        }

        @Test("concurrent first referrals for one new patient make one patient record")
        func concurrentFirstReferrals() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let form = world.form(nhsNumber: "485 777 3090")
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await ReferralWorld.submit(referrer, form).status }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 201, count: 8))
                let counts = try await world.value(
                    """
                    SELECT (SELECT count(*) FROM portal.patients),
                           (SELECT count(DISTINCT patient_id) FROM portal.referrals),
                           (SELECT count(*) FROM portal.referrals);
                    """)
                #expect(counts == "1|1|8")
            }
        }

        @Test("a delegate refers for the referrer who named them, and for nobody else")
        func delegates() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let delegate = try await harness.signIn(world.delegate.email).authenticated()
                var form = world.form()
                form.referrerID = harness.referrer.id.uuidString
                let made = try await ReferralWorld.submit(delegate, form)
                #expect(made.status == 201, "\(made.text)")
                let id = try #require(made.json["id"] as? String)
                let row = try await world.value(
                    """
                    SELECT r.referrer_user_id, r.submitted_by_user_id, e.on_behalf_of_user_id
                    FROM portal.referrals r JOIN portal.referral_events e ON e.referral_id = r.id
                    WHERE r.id = '\(id)';
                    """)
                let referrerID = harness.referrer.id.uuidString.lowercased()
                let delegateID = world.delegate.id.uuidString.lowercased()
                #expect(row == "\(referrerID)|\(delegateID)|\(referrerID)")
                let audit = try await world.value(
                    """
                    SELECT actor_user_id, on_behalf_of_user_id FROM portal.audit_events
                    WHERE action = 'referral.submitted';
                    """)
                #expect(audit == "\(delegateID)|\(referrerID)")

                form.referrerID = world.colleague.id.uuidString
                let notNamed = try await ReferralWorld.submit(delegate, form)
                #expect(notNamed.status == 403)
                form.referrerID = nil
                let ownName = try await ReferralWorld.submit(delegate, form)
                #expect(ownName.status == 403)

                let admin = try await harness.signIn(harness.admin.email).authenticated()
                #expect(try await ReferralWorld.submit(admin, world.form()).status == 403)

                try await harness.sql(
                    "UPDATE portal.referral_delegations SET revoked_at = now();")
                form.referrerID = harness.referrer.id.uuidString
                #expect(try await ReferralWorld.submit(delegate, form).status == 403)
            }
        }
    }
}
