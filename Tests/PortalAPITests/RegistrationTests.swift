import Foundation
import Testing

extension PortalAPISuites {
    /// The registration journey: the public form, the administrators' list, approval with a
    /// set-password link, and decline with a reason.
    @Suite("Registration requests")
    struct RegistrationTests {
        static func form(email: String = "new.doctor@nhs.test") -> [String: Any] {
            [
                "fullName": "Dr Nia Evans", "jobTitle": "Consultant haematologist",
                "workAddress": "Westminster Bridge Road, London SE1 7EH", "workEmail": email,
                "workPhones": ["+44 20 7188 7188"], "organisation": ["odsCode": "RJ1"],
                "role": "referrer",
            ]
        }

        static func submit(
            _ harness: PortalHarness, email: String = "new.doctor@nhs.test"
        )
            async throws -> String
        {
            let answer = try await harness.client().post(
                "/api/v1/registration-requests", json: Self.form(email: email))
            try #require(answer.status == 201, "\(answer.text)")
            return try #require(answer.json["id"] as? String)
        }

        @Test("a request is stored, acknowledged by e-mail and audited")
        func submit() async throws {
            try await PortalHarness.with { harness in
                let answer = try await harness.client().post(
                    "/api/v1/registration-requests", json: Self.form())
                #expect(answer.status == 201)
                #expect(answer.json["state"] as? String == "pending")
                #expect(answer.json["organisationName"] as? String == "Guy's and St Thomas'")
                let id = try #require(answer.json["id"] as? String)
                #expect(answer.header("Location") == "/api/v1/registration-requests/\(id)")

                let mail = try await harness.mail.next(
                    to: "new.doctor@nhs.test", subject: MailBox.received)
                #expect(mail.body.contains(id))
                #expect(try await harness.auditActions() == ["registration_request.submitted"])
                let tenant = try await harness.sql(
                    "SELECT tenant_id FROM portal.registration_requests;")
                #expect(tenant == harness.tenant.description)
            }
        }

        @Test("bad fields are each named by a JSON pointer and nothing is stored")
        func badFields() async throws {
            try await PortalHarness.with { harness in
                var form = Self.form()
                form["workEmail"] = "nope"
                form["workPhones"] = ["12"]
                form["organisation"] = ["odsCode": "ZZ9"]
                form.removeValue(forKey: "fullName")
                let answer = try await harness.client().post(
                    "/api/v1/registration-requests", json: form)
                #expect(answer.status == 422)
                #expect(answer.header("Content-Type") == "application/problem+json")
                #expect(answer.fieldPointers == ["/fullName", "/workEmail", "/workPhones/0"])

                let unknownOrganisation = try await harness.client().post(
                    "/api/v1/registration-requests",
                    json: Self.form().merging(["organisation": ["odsCode": "ZZ9"]]) { $1 })
                #expect(unknownOrganisation.fieldPointers == ["/organisation/name"])

                let extra = try await harness.client().post(
                    "/api/v1/registration-requests",
                    json: Self.form().merging(["tenantId": "x"]) { $1 })
                #expect(extra.status == 422)
                #expect(extra.fieldPointers == ["/tenantId"])

                #expect(
                    try await harness.sql("SELECT count(*) FROM portal.registration_requests;")
                        == "0")
                #expect(try await harness.queuedMail() == 0)
            }
        }

        @Test("the list is for tenant administrators, paged with a cursor")
        func list() async throws {
            try await PortalHarness.with { harness in
                let first = try await Self.submit(harness, email: "one@nhs.test")
                let second = try await Self.submit(harness, email: "two@nhs.test")

                #expect(
                    try await harness.client().get("/api/v1/registration-requests").status == 401)
                let referrer = try await harness.signIn(harness.referrer.email)
                let refused = try await referrer.authenticated().get(
                    "/api/v1/registration-requests")
                #expect(refused.status == 403)

                let admin = try await harness.signIn(harness.admin.email).authenticated()
                let page = try await admin.get("/api/v1/registration-requests?limit=1")
                #expect(page.status == 200)
                let items = page.json["items"] as? [[String: Any]] ?? []
                #expect(items.map { $0["id"] as? String } == [first])
                let next = try #require(page.json["next"] as? String)
                let rest = try await admin.get(
                    "/api/v1/registration-requests?limit=1&after=\(next)")
                let restItems = rest.json["items"] as? [[String: Any]] ?? []
                #expect(restItems.map { $0["id"] as? String } == [second])
                #expect(rest.json["next"] == nil)

                let badQuery = try await admin.get(
                    "/api/v1/registration-requests?limit=0&colour=red")
                #expect(badQuery.status == 400)
                #expect(badQuery.fieldPointers == ["limit", "colour"])
            }
        }

        @Test("approval invites the user; the link sets a password once; they can sign in")
        func approveAndSetPassword() async throws {
            try await PortalHarness.with { harness in
                let id = try await Self.submit(harness)
                let admin = try await harness.signIn(harness.admin.email).authenticated()

                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let refused = try await referrer.post("/api/v1/registration-requests/\(id)/approve")
                #expect(refused.status == 403)

                let approved = try await admin.post("/api/v1/registration-requests/\(id)/approve")
                #expect(approved.status == 200, "\(approved.text)")
                #expect(approved.json["state"] as? String == "approved")
                let state = try await harness.sql(
                    "SELECT state FROM portal.users WHERE email = 'new.doctor@nhs.test';")
                #expect(state == "invited")
                let again = try await admin.post("/api/v1/registration-requests/\(id)/approve")
                #expect(again.status == 409)

                let token = try await harness.mail.nextLinkToken(to: "new.doctor@nhs.test")
                let body = ["token": token, "password": "a long new password"]
                let weak = try await harness.client().post(
                    "/api/v1/set-password", json: ["token": token, "password": "short"])
                #expect(weak.status == 422)
                #expect(weak.fieldPointers == ["/password"])

                #expect(
                    try await harness.client().post("/api/v1/set-password", json: body).status
                        == 204)
                let reused = try await harness.client().post("/api/v1/set-password", json: body)
                #expect(reused.status == 410)
                #expect(reused.problemType == "urn:imaging-portal:problem:link-ended")

                _ = try await harness.signIn("new.doctor@nhs.test", password: "a long new password")
                let actions = try await harness.auditActions()
                for action in [
                    "registration_request.approved", "user.invited", "user.password_set",
                    "set_password_link.refused",
                ] {
                    #expect(actions.contains(action), "\(action)")
                }
            }
        }

        @Test("an expired set-password link is refused")
        func expiredLink() async throws {
            try await PortalHarness.with { harness in
                let id = try await Self.submit(harness)
                let admin = try await harness.signIn(harness.admin.email).authenticated()
                #expect(
                    try await admin.post("/api/v1/registration-requests/\(id)/approve").status
                        == 200)
                let token = try await harness.mail.nextLinkToken(to: "new.doctor@nhs.test")
                try await harness.sql(
                    """
                    UPDATE portal.set_password_links SET created_at = now() - interval '73 hours',
                        expires_at = now() - interval '1 hour';
                    """)
                let answer = try await harness.client().post(
                    "/api/v1/set-password",
                    json: ["token": token, "password": "a long new password"])
                #expect(answer.status == 410)
                #expect(
                    try await harness.sql("SELECT count(*) FROM portal.password_credentials;")
                        == "3")
            }
        }

        @Test("a declined request e-mails the reason and is audited")
        func decline() async throws {
            try await PortalHarness.with { harness in
                let id = try await Self.submit(harness)
                let admin = try await harness.signIn(harness.admin.email).authenticated()
                let noReason = try await admin.post("/api/v1/registration-requests/\(id)/decline")
                #expect(noReason.status == 422)
                #expect(noReason.fieldPointers == ["/reason"])

                let reason = "Please ask your MDT lead to confirm your role first."
                let declined = try await admin.post(
                    "/api/v1/registration-requests/\(id)/decline", json: ["reason": reason])
                #expect(declined.status == 200)
                #expect(declined.json["decisionReason"] as? String == reason)
                let mail = try await harness.mail.next(
                    to: "new.doctor@nhs.test", subject: MailBox.decision)
                #expect(mail.body.contains(reason))
                #expect(try await harness.auditActions().last == "registration_request.declined")
            }
        }

        @Test("an id from another tenant is a 404 like a made-up one, and changes nothing")
        func otherTenantsID() async throws {
            try await PortalHarness.with { harness in
                let answer = try await harness.client(host: PortalHarness.otherHost).post(
                    "/api/v1/registration-requests", json: Self.form())
                let foreign = try #require(answer.json["id"] as? String)
                let admin = try await harness.signIn(harness.admin.email).authenticated()

                let guessed = try await admin.get("/api/v1/registration-requests/\(foreign)")
                let madeUp = try await admin.get("/api/v1/registration-requests/\(UUID())")
                #expect(guessed.status == 404)
                #expect(guessed.body == madeUp.body)
                let approve = try await admin.post(
                    "/api/v1/registration-requests/\(foreign)/approve")
                #expect(approve.status == 404)
                let state = try await harness.sql("SELECT state FROM portal.registration_requests;")
                #expect(state == "pending")
                #expect(
                    try await admin.get("/api/v1/registration-requests/not-a-uuid").status == 404)
            }
        }
    }

    /// The form sends e-mail, so it is rate-limited per address and per work e-mail address.
    @Suite("Registration rate limits")
    struct RegistrationRateTests {
        @Test("a fourth request for one e-mail address in a day is refused with Retry-After")
        func perEmail() async throws {
            try await PortalHarness.with { harness in
                for index in 0..<3 {
                    let answer = try await harness.client(address: "192.0.2.\(20 + index)").post(
                        "/api/v1/registration-requests", json: RegistrationTests.form())
                    #expect(answer.status == 201)
                }
                let refused = try await harness.client(address: "192.0.2.30").post(
                    "/api/v1/registration-requests", json: RegistrationTests.form())
                #expect(refused.status == 429)
                #expect(refused.header("Retry-After") == "86400")
                #expect(try await harness.queuedMail() == 3)
            }
        }
    }
}
