import Foundation
import Testing

extension PortalAPISuites {
    /// Sessions after sign-in: CSRF and site checks on unsafe requests, signing out, and the
    /// idle and absolute limits (time moved in the session rows).
    @Suite("Sessions")
    struct SessionTests {
        @Test("an unsafe request needs the session's CSRF token; a missing or wrong one is a 403")
        func csrf() async throws {
            try await PortalHarness.with { harness in
                let session = try await harness.signIn(harness.referrer.email)

                let missing = try await session.authenticated(csrf: false).post("/api/v1/sign-out")
                #expect(missing.status == 403)
                #expect(missing.problemType == "urn:imaging-portal:problem:csrf")

                var wrong = session.authenticated(csrf: false)
                wrong.headers["X-CSRF-Token"] = String(session.csrfToken.reversed())
                #expect(try await wrong.post("/api/v1/sign-out").status == 403)

                let other = try await harness.signIn(harness.admin.email)
                var crossed = session.authenticated(csrf: false)
                crossed.headers["X-CSRF-Token"] = other.csrfToken
                #expect(try await crossed.post("/api/v1/sign-out").status == 403)

                let me = try await session.authenticated(csrf: false).get("/api/v1/me")
                #expect(me.status == 200, "the refused requests did not end the session")

                let signedOut = try await session.authenticated().post("/api/v1/sign-out")
                #expect(signedOut.status == 200)
                #expect(signedOut.header("Set-Cookie")?.contains("Max-Age=0") == true)
            }
        }

        @Test("an unsafe request from another site is refused, even with the CSRF token")
        func crossSite() async throws {
            try await PortalHarness.with { harness in
                let session = try await harness.signIn(harness.referrer.email)
                let client = session.authenticated()
                let foreign = try await client.post(
                    "/api/v1/sign-out", headers: ["Origin": "https://evil.example"])
                #expect(foreign.status == 403)
                #expect(foreign.problemType == "urn:imaging-portal:problem:cross-origin")

                let fetchSite = try await client.post(
                    "/api/v1/sign-out", headers: ["Sec-Fetch-Site": "cross-site"])
                #expect(fetchSite.status == 403)

                let own = try await client.post(
                    "/api/v1/sign-out", headers: ["Origin": "http://\(PortalHarness.host)"])
                #expect(own.status == 200)
            }
        }

        @Test("a session is refused after sign-out, and the sign-out is audited")
        func signOut() async throws {
            try await PortalHarness.with { harness in
                let session = try await harness.signIn(harness.referrer.email)
                #expect(try await session.authenticated().post("/api/v1/sign-out").status == 200)

                let after = try await session.authenticated().get("/api/v1/me")
                #expect(after.status == 401)
                #expect(after.problemType == "urn:imaging-portal:problem:session-ended")
                let reason = try await harness.sql("SELECT revoked_reason FROM portal.sessions;")
                #expect(reason == "sign_out")
                #expect(try await harness.auditActions().last == "session.sign_out")
            }
        }

        @Test("a session idle past the timeout is refused; a used one stays alive")
        func idleTimeout() async throws {
            try await PortalHarness.with { harness in
                let idle = try await harness.signIn(harness.referrer.email)
                let busy = try await harness.signIn(harness.admin.email)
                try await harness.sql(
                    "UPDATE portal.sessions SET last_seen_at = now() - interval '29 minutes';")
                #expect(try await busy.authenticated().get("/api/v1/me").status == 200)

                try await harness.sql(
                    """
                    UPDATE portal.sessions SET last_seen_at = now() - interval '31 minutes'
                    WHERE user_id = '\(harness.referrer.id.uuidString.lowercased())';
                    """)
                #expect(try await idle.authenticated().get("/api/v1/me").status == 401)
                #expect(try await busy.authenticated().get("/api/v1/me").status == 200)
            }
        }

        @Test("a session past its absolute limit is refused however recently used")
        func absoluteLimit() async throws {
            try await PortalHarness.with { harness in
                let session = try await harness.signIn(harness.referrer.email)
                try await harness.sql(
                    """
                    UPDATE portal.sessions SET created_at = now() - interval '12 hours 1 minute',
                        absolute_expires_at = now() - interval '1 minute';
                    """)
                #expect(try await session.authenticated().get("/api/v1/me").status == 401)
            }
        }

        @Test("signing out everywhere ends every session of the user, not other users'")
        func signOutEverywhere() async throws {
            try await PortalHarness.with { harness in
                let first = try await harness.signIn(harness.referrer.email, address: "192.0.2.1")
                let second = try await harness.signIn(harness.referrer.email, address: "192.0.2.2")
                let admin = try await harness.signIn(harness.admin.email)

                let answer = try await second.authenticated().post("/api/v1/sign-out-everywhere")
                #expect(answer.status == 200)
                #expect(answer.json["sessionsEnded"] as? Int == 2)
                #expect(try await first.authenticated().get("/api/v1/me").status == 401)
                #expect(try await second.authenticated().get("/api/v1/me").status == 401)
                #expect(try await admin.authenticated().get("/api/v1/me").status == 200)
                #expect(try await harness.auditActions().last == "session.sign_out_everywhere")
            }
        }

        @Test("no cookie and a made-up cookie are both 401")
        func unauthenticated() async throws {
            try await PortalHarness.with { harness in
                let none = try await harness.client().get("/api/v1/me")
                #expect(none.status == 401)
                #expect(none.problemType == "urn:imaging-portal:problem:unauthenticated")
                let forged = try await harness.client().get(
                    "/api/v1/me",
                    headers: ["Cookie": "portal_session=\(String(repeating: "A", count: 43))"])
                #expect(forged.status == 401)
            }
        }

        @Test("a session of one tenant is not accepted on another tenant's portal")
        func otherTenantsPortal() async throws {
            try await PortalHarness.with { harness in
                let session = try await harness.signIn(harness.referrer.email)
                var elsewhere = session.authenticated()
                elsewhere.host = PortalHarness.otherHost
                #expect(try await elsewhere.get("/api/v1/me").status == 401)
            }
        }

        @Test("an unknown host name is answered with a clear problem")
        func unknownHost() async throws {
            try await PortalHarness.with { harness in
                let answer = try await harness.client(host: "nobody.portal.test").post(
                    "/api/v1/sign-in", json: ["email": "a@b.test", "password": "x"])
                #expect(answer.status == 404)
                #expect(answer.problemType == "urn:imaging-portal:problem:unknown-portal")
                #expect((answer.json["detail"] as? String)?.contains("nobody.portal.test") == true)
                let stranger = try await harness.client(host: "example.com").get("/api/v1/me")
                #expect(stranger.status == 404)
            }
        }
    }
}
