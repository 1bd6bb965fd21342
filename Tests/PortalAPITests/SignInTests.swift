import Foundation
import Testing

extension PortalAPISuites {
    /// Signing in with a password and an e-mailed code, against real PostgreSQL over HTTP.
    @Suite("Sign-in")
    struct SignInTests {
        @Test("password, then the e-mailed code, starts a session whose cookie /me accepts")
        func signInAndMe() async throws {
            try await PortalHarness.with { harness in
                let session = try await harness.signIn(harness.referrer.email)
                let setCookie = try await Self.cookieAttributes(harness)
                #expect(setCookie.contains("HttpOnly"))
                #expect(setCookie.contains("SameSite=Strict"))
                #expect(setCookie.contains("Path=/"))
                #expect(!setCookie.contains("Secure"), "the test portal is plain HTTP")

                let me = try await session.authenticated(csrf: false).get("/api/v1/me")
                #expect(me.status == 200)
                #expect(me.json["kind"] as? String == "user")
                #expect(me.json["csrfToken"] as? String == session.csrfToken)
                let user = me.json["user"] as? [String: Any]
                #expect(user?["email"] as? String == harness.referrer.email)
                #expect(user?["roles"] as? [String] == ["referrer"])
                #expect(me.header("Cache-Control") == "no-store")

                let stored = try await harness.sql("SELECT count(*) FROM portal.sessions;")
                #expect(stored == "2")
                let actions = try await harness.auditActions()
                #expect(actions.filter { $0 == "session.sign_in" }.count == 2)
                #expect(actions.filter { $0 == "session.password_accepted" }.count == 2)
                let who = try await harness.sql(
                    """
                    SELECT actor_user_id, record_type, host(remote_address), length(request_id) > 0
                    FROM portal.audit_events WHERE action = 'session.sign_in' ORDER BY seq LIMIT 1;
                    """)
                #expect(who == "\(harness.referrer.id.uuidString.lowercased())|session|192.0.2.1|t")
                #expect(try await harness.verifyAuditChain())
            }
        }

        /// Signs the admin in once more and returns the Set-Cookie of the code step.
        static func cookieAttributes(_ harness: PortalHarness) async throws -> String {
            let client = harness.client()
            let first = try await client.post(
                "/api/v1/sign-in",
                json: ["email": harness.admin.email, "password": PortalHarness.password])
            let challenge = try #require(first.json["challenge"] as? String)
            let code = try await harness.mail.nextCode(to: harness.admin.email)
            let second = try await client.post(
                "/api/v1/sign-in/code", json: ["challenge": challenge, "code": code])
            return try #require(second.header("Set-Cookie"))
        }
    }
}
