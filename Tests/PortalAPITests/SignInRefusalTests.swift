import Foundation
import Testing

extension PortalAPISuites {
    /// The ways signing in is refused: wrong passwords, unknown users, codes that are wrong,
    /// expired, reused or out of tries, and lockouts per account and per address.
    @Suite("Sign-in refusals")
    struct SignInRefusalTests {
        static func signIn(
            _ client: PortalClient, _ email: String, _ password: String
        ) async throws -> PortalClient.Response {
            try await client.post("/api/v1/sign-in", json: ["email": email, "password": password])
        }

        @Test("a wrong password and an unknown user get the same status and body")
        func unknownUserLooksLikeWrongPassword() async throws {
            try await PortalHarness.with { harness in
                let client = harness.client()
                let wrong = try await Self.signIn(
                    client, harness.referrer.email, "not the password!")
                let unknown = try await Self.signIn(client, "nobody@nhs.test", "not the password!")
                #expect(wrong.status == 401)
                #expect(unknown.status == 401)
                #expect(wrong.body == unknown.body)
                #expect(wrong.problemType == "urn:imaging-portal:problem:invalid-credentials")
                #expect(try await harness.queuedMail() == 0)

                let actions = try await harness.auditActions()
                #expect(actions == ["session.sign_in_failed", "session.sign_in_failed"])
                let reasons = try await harness.sql(
                    "SELECT details->>'reason' FROM portal.audit_events ORDER BY seq;")
                #expect(reasons == "wrong_password\nunknown_account")
            }
        }

        @Test("an unknown user costs a password hash like a wrong password does")
        func unknownUserTiming() async throws {
            var policy = PortalHarness.testPolicy()
            policy.passwordHasher = .init()
            policy.throttle.accountFailures = 100
            policy.throttle.addressFailures = 100
            try await PortalHarness.with(policy: policy) { harness in
                let hash = try policy.passwordHasher.hash(PortalHarness.password)
                try await harness.sql(
                    "UPDATE portal.password_credentials SET password_hash = '\(hash)';")
                let client = harness.client()
                var wrong: [Duration] = []
                var unknown: [Duration] = []
                for _ in 0..<5 {
                    let clock = ContinuousClock()
                    var start = clock.now
                    _ = try await Self.signIn(client, harness.referrer.email, "not the password!")
                    wrong.append(clock.now - start)
                    start = clock.now
                    _ = try await Self.signIn(client, "nobody@nhs.test", "not the password!")
                    unknown.append(clock.now - start)
                }
                // The fastest of each, as the least disturbed by other tests running alongside;
                // without the dummy hash an unknown user would answer many times faster.
                let fastestWrong = try #require(wrong.min())
                let fastestUnknown = try #require(unknown.min())
                #expect(
                    fastestUnknown > fastestWrong / 3,
                    "unknown \(fastestUnknown), wrong \(fastestWrong)")
                #expect(
                    fastestWrong > fastestUnknown / 3,
                    "unknown \(fastestUnknown), wrong \(fastestWrong)")
            }
        }

        @Test("an expired code and a reused code end the challenge")
        func expiredAndReusedCodes() async throws {
            try await PortalHarness.with { harness in
                let client = harness.client()
                let email = harness.referrer.email
                let first = try await Self.signIn(client, email, PortalHarness.password)
                let challenge = try #require(first.json["challenge"] as? String)
                let code = try await harness.mail.nextCode(to: email)
                try await harness.sql(
                    """
                    UPDATE portal.sign_in_challenges
                    SET created_at = created_at - interval '11 minutes',
                        expires_at = expires_at - interval '11 minutes';
                    """)
                let expired = try await client.post(
                    "/api/v1/sign-in/code", json: ["challenge": challenge, "code": code])
                #expect(expired.status == 401)
                #expect(expired.problemType == "urn:imaging-portal:problem:challenge-ended")

                let again = try await Self.signIn(client, email, PortalHarness.password)
                let fresh = try #require(again.json["challenge"] as? String)
                let freshCode = try await harness.mail.nextCode(to: email)
                let used = try await client.post(
                    "/api/v1/sign-in/code", json: ["challenge": fresh, "code": freshCode])
                #expect(used.status == 200)
                let reused = try await client.post(
                    "/api/v1/sign-in/code", json: ["challenge": fresh, "code": freshCode])
                #expect(reused.status == 401)
                #expect(reused.problemType == "urn:imaging-portal:problem:challenge-ended")

                let failures = try await harness.sql(
                    """
                    SELECT details->>'reason' FROM portal.audit_events
                    WHERE action = 'session.code_failed' ORDER BY seq;
                    """)
                #expect(failures == "expired_or_used\nexpired_or_used")
            }
        }

        @Test("five wrong codes spend the challenge: the sixth try fails even with the right code")
        func sixthTry() async throws {
            var policy = PortalHarness.testPolicy()
            policy.throttle.accountFailures = 50
            policy.throttle.addressFailures = 50
            try await PortalHarness.with(policy: policy) { harness in
                let client = harness.client()
                let email = harness.referrer.email
                let first = try await Self.signIn(client, email, PortalHarness.password)
                let challenge = try #require(first.json["challenge"] as? String)
                let code = try await harness.mail.nextCode(to: email)
                let wrongCode = code == "000000" ? "000001" : "000000"

                var statuses: [String] = []
                for _ in 0..<5 {
                    let answer = try await client.post(
                        "/api/v1/sign-in/code", json: ["challenge": challenge, "code": wrongCode])
                    #expect(answer.status == 401)
                    statuses.append(answer.problemType ?? "")
                }
                #expect(statuses.filter { $0.hasSuffix("incorrect-code") }.count == 4)
                #expect(statuses.last?.hasSuffix("challenge-ended") == true)

                let sixth = try await client.post(
                    "/api/v1/sign-in/code", json: ["challenge": challenge, "code": code])
                #expect(sixth.status == 401)
                #expect(sixth.problemType == "urn:imaging-portal:problem:challenge-ended")
                let actions = try await harness.auditActions()
                #expect(actions.filter { $0 == "session.code_failed" }.count == 6)
                #expect(!actions.contains("session.sign_in"))
            }
        }

        @Test("an account is locked after repeated failures, with Retry-After, until the lock ends")
        func accountLockout() async throws {
            try await PortalHarness.with { harness in
                let email = harness.referrer.email
                for index in 0..<3 {
                    let client = harness.client(address: "192.0.2.\(10 + index)")
                    let answer = try await Self.signIn(client, email, "wrong password \(index)")
                    #expect(answer.status == 401)
                }
                let client = harness.client(address: "192.0.2.50")
                let locked = try await Self.signIn(client, email, PortalHarness.password)
                #expect(locked.status == 429)
                #expect(locked.problemType == "urn:imaging-portal:problem:locked")
                let retryAfter = Int(locked.header("Retry-After") ?? "") ?? 0
                #expect(retryAfter > 800 && retryAfter <= 900)
                #expect(
                    (locked.json["detail"] as? String)?.contains("This account is locked") == true)

                let unknown = try await Self.signIn(client, "NOBODY@nhs.test", "x")
                #expect(unknown.status == 401, "other accounts are not locked")

                try await harness.sql(
                    """
                    UPDATE portal.sign_in_throttles SET locked_until = now() - interval '1 second'
                    WHERE subject_kind = 'account';
                    """)
                let after = try await Self.signIn(client, email, PortalHarness.password)
                #expect(after.status == 202)
                let actions = try await harness.auditActions()
                #expect(actions.filter { $0 == "session.locked" }.count == 1)
                let refusedWhileLocked = try await harness.sql(
                    """
                    SELECT details->>'step', details->>'email', host(remote_address)
                    FROM portal.audit_events
                    WHERE action = 'session.sign_in_failed' AND details->>'reason' = 'locked';
                    """)
                #expect(refusedWhileLocked == "password|\(email)|192.0.2.50")
            }
        }

        @Test("an address is throttled across accounts; another address is not")
        func addressThrottle() async throws {
            try await PortalHarness.with { harness in
                let attacker = harness.client(address: "203.0.113.7")
                for index in 0..<8 {
                    let answer = try await Self.signIn(attacker, "user\(index)@nhs.test", "guess")
                    #expect(answer.status == 401)
                }
                let blocked = try await Self.signIn(
                    attacker, harness.referrer.email, PortalHarness.password)
                #expect(blocked.status == 429)
                #expect(blocked.header("Retry-After") != nil)
                #expect(
                    (blocked.json["detail"] as? String)?.contains("Sign-in from your address")
                        == true)

                let neighbour = harness.client(address: "203.0.113.8")
                let allowed = try await Self.signIn(
                    neighbour, harness.referrer.email, PortalHarness.password)
                #expect(allowed.status == 202)
                let subjects = try await harness.sql(
                    """
                    SELECT details->>'subject' FROM portal.audit_events
                    WHERE action = 'session.locked';
                    """)
                #expect(subjects == "203.0.113.7")
            }
        }

        @Test("a hash made with older parameters is replaced after a good password")
        func rehash() async throws {
            try await PortalHarness.with { harness in
                let old = try PasswordHasherFactory.hash(PortalHarness.password, logN: 9)
                try await harness.sql(
                    "UPDATE portal.password_credentials SET password_hash = '\(old)';")
                _ = try await harness.signIn(harness.referrer.email)
                let stored = try await harness.sql(
                    """
                    SELECT password_hash FROM portal.password_credentials
                    WHERE user_id = '\(harness.referrer.id.uuidString.lowercased())';
                    """)
                #expect(stored.hasPrefix("$scrypt$ln=10,"))
                let admin = try await harness.sql(
                    """
                    SELECT password_hash FROM portal.password_credentials
                    WHERE user_id = '\(harness.admin.id.uuidString.lowercased())';
                    """)
                #expect(admin.hasPrefix("$scrypt$ln=9,"))
            }
        }

        @Test("missing fields are named; a body that is not JSON is a 400")
        func badBodies() async throws {
            try await PortalHarness.with { harness in
                let client = harness.client()
                let empty = try await client.post("/api/v1/sign-in", json: [String: String]())
                #expect(empty.status == 422)
                #expect(empty.fieldPointers == ["/email", "/password"])

                let garbage = try await client.send(
                    "POST", "/api/v1/sign-in", headers: ["Content-Type": "application/json"],
                    body: Array("{nope".utf8))
                #expect(garbage.status == 400)
                #expect(garbage.header("Content-Type") == "application/problem+json")
                #expect(try await harness.auditActions().isEmpty)
            }
        }
    }
}

extension PortalAPISuites {
    @Suite("Sign-in challenges")
    struct ChallengeTests {
        @Test("a new sign-in ends the earlier challenge: one live code per user")
        func newChallengeEndsTheOld() async throws {
            try await PortalHarness.with { harness in
                let client = harness.client()
                let email = harness.referrer.email
                let body = ["email": email, "password": PortalHarness.password]
                let first = try await client.post("/api/v1/sign-in", json: body)
                let oldChallenge = try #require(first.json["challenge"] as? String)
                let oldCode = try await harness.mail.nextCode(to: email)
                #expect(try await client.post("/api/v1/sign-in", json: body).status == 202)

                let old = try await client.post(
                    "/api/v1/sign-in/code", json: ["challenge": oldChallenge, "code": oldCode])
                #expect(old.status == 401)
                #expect(old.problemType == "urn:imaging-portal:problem:challenge-ended")
            }
        }
    }
}
