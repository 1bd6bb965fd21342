import Foundation
import Testing

extension PortalAPISuites {
    /// API tokens for system clients: created by an administrator (shown once), used as
    /// bearer tokens without CSRF, refused at once when revoked.
    @Suite("API tokens")
    struct APITokenTests {
        @Test("create, use, list and revoke a token; a revoked token is refused at once")
        func lifecycle() async throws {
            try await PortalHarness.with { harness in
                let admin = try await harness.signIn(harness.admin.email).authenticated()
                let created = try await admin.post(
                    "/api/v1/api-tokens",
                    json: ["name": "Commissioner reports", "scopes": ["activity:read"]])
                #expect(created.status == 201, "\(created.text)")
                let token = try #require(created.json["token"] as? String)
                let id = try #require(created.json["id"] as? String)

                let client = harness.client()
                let bearer = ["Authorization": "Bearer \(token)"]
                let me = try await client.get("/api/v1/me", headers: bearer)
                #expect(me.status == 200)
                #expect(me.json["kind"] as? String == "client")
                #expect(
                    (me.json["client"] as? [String: Any])?["scopes"] as? [String] == [
                        "activity:read"
                    ])

                let listed = try await admin.get("/api/v1/api-tokens")
                #expect(!listed.text.contains(token))
                #expect((listed.json["items"] as? [[String: Any]])?.count == 1)

                let adminOnly = try await client.send(
                    "DELETE", "/api/v1/api-tokens/\(id)", headers: bearer)
                #expect(adminOnly.status == 403)
                #expect(adminOnly.problemType == "urn:imaging-portal:problem:forbidden")

                let revoked = try await admin.send("DELETE", "/api/v1/api-tokens/\(id)")
                #expect(revoked.status == 204)
                let refused = try await client.get("/api/v1/me", headers: bearer)
                #expect(refused.status == 401)
                #expect(refused.problemType == "urn:imaging-portal:problem:invalid-token")
                #expect(refused.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)

                let actions = try await harness.auditActions()
                #expect(actions.contains("api_token.created"))
                #expect(actions.last == "api_token.revoked")
                let stored = try await harness.sql(
                    "SELECT count(*) FROM portal.api_tokens WHERE name = 'Commissioner reports';")
                #expect(stored == "1")
            }
        }

        @Test("only tenant administrators manage tokens; bad requests name their fields")
        func refusals() async throws {
            try await PortalHarness.with { harness in
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let refused = try await referrer.post(
                    "/api/v1/api-tokens", json: ["name": "x", "scopes": ["activity:read"]])
                #expect(refused.status == 403)

                let admin = try await harness.signIn(harness.admin.email).authenticated()
                let bad = try await admin.post(
                    "/api/v1/api-tokens", json: ["name": "", "scopes": ["everything"]])
                #expect(bad.status == 422)
                #expect(bad.fieldPointers == ["/name", "/scopes/0"])

                let body: [String: Any] = ["name": "Reports", "scopes": ["activity:read"]]
                #expect(try await admin.post("/api/v1/api-tokens", json: body).status == 201)
                #expect(try await admin.post("/api/v1/api-tokens", json: body).status == 409)

                let otherAdmin = try await harness.signIn(
                    harness.otherAdmin.email, host: PortalHarness.otherHost)
                let id = try await harness.sql("SELECT id FROM portal.api_tokens;")
                let foreign = try await otherAdmin.authenticated().send(
                    "DELETE", "/api/v1/api-tokens/\(id)")
                #expect(foreign.status == 404)
                #expect(
                    try await harness.sql(
                        "SELECT count(*) FROM portal.api_tokens WHERE revoked_at IS NULL;") == "1")
                #expect(
                    try await admin.send("DELETE", "/api/v1/api-tokens/\(UUID())").status == 404)

                let garbage = try await harness.client().get(
                    "/api/v1/me", headers: ["Authorization": "Bearer nonsense"])
                #expect(garbage.status == 401)
            }
        }
    }

    @Suite("API token expiry")
    struct APITokenExpiryTests {
        @Test("a token past its expiry is refused like a revoked one")
        func expired() async throws {
            try await PortalHarness.with { harness in
                let admin = try await harness.signIn(harness.admin.email).authenticated()
                let created = try await admin.post(
                    "/api/v1/api-tokens",
                    json: ["name": "Short", "scopes": ["activity:read"], "expiresInDays": 1])
                let token = try #require(created.json["token"] as? String)
                let bearer = ["Authorization": "Bearer \(token)"]
                #expect(try await harness.client().get("/api/v1/me", headers: bearer).status == 200)

                try await harness.sql(
                    """
                    UPDATE portal.api_tokens SET created_at = now() - interval '2 days',
                        expires_at = now() - interval '1 day';
                    """)
                #expect(try await harness.client().get("/api/v1/me", headers: bearer).status == 401)
            }
        }
    }
}
