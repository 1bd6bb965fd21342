import Foundation
import Referrals
import Telemetry
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

extension PortalAPISuites {
    /// Idempotency-Key on submission: retries answer the first answer, whichever node they
    /// reach and however the first answer was lost; another body under the key is refused.
    @Suite("Referral idempotency")
    struct ReferralIdempotencyTests {
        @Test("a retry with the same key and body gets the same answer; another body gets 422")
        func replay() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let form = world.form()
                let first = try await ReferralWorld.submit(referrer, form, key: "key-1")
                #expect(first.status == 201)
                let again = try await ReferralWorld.submit(referrer, form, key: "key-1")
                #expect(again.status == 201)
                #expect(again.body == first.body)
                #expect(again.header("Location") == first.header("Location"))
                #expect(again.header("Idempotent-Replayed") == "true")

                var changed = form
                changed.urgency = "urgent"
                let reused = try await ReferralWorld.submit(referrer, changed, key: "key-1")
                #expect(reused.status == 422)
                #expect(reused.problemType == "urn:imaging-portal:problem:idempotency-key-reused")

                let missing = try await referrer.send(
                    "POST", "/api/v1/referrals", headers: ["Content-Type": "application/json"],
                    body: try ReferralWorld.body(form))
                #expect(missing.status == 400)
                #expect(
                    missing.problemType == "urn:imaging-portal:problem:idempotency-key-required")

                // The key is the user's: a colleague's same key is a new referral.
                let colleague = try await harness.signIn(world.colleague.email).authenticated()
                let theirs = try await ReferralWorld.submit(colleague, form, key: "key-1")
                #expect(theirs.status == 201)
                #expect(theirs.body != first.body)
                #expect(try await world.value("SELECT count(*) FROM portal.referrals;") == "2")
            }
        }

        @Test("concurrent requests with one key make one referral")
        func concurrent() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let form = world.form()
                let answers = try await withThrowingTaskGroup(
                    of: PortalClient.Response.self
                ) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            try await ReferralWorld.submit(referrer, form, key: "same")
                        }
                    }
                    return try await group.reduce(into: [PortalClient.Response]()) { $0.append($1) }
                }
                #expect(answers.allSatisfy { $0.status == 201 && $0.body == answers[0].body })
                #expect(answers.filter { $0.header("Idempotent-Replayed") == nil }.count == 1)
                #expect(try await world.value("SELECT count(*) FROM portal.referrals;") == "1")
            }
        }

        @Test("a key replayed on a restarted node, after the first answer was lost, still works")
        func restartAndLostAnswer() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let session = try await harness.signIn(harness.referrer.email)
                let form = world.form()
                let body = try ReferralWorld.body(form)

                // The client gives up before the answer: it sends and closes at once.
                try Self.sendAndHangUp(
                    port: harness.server.port,
                    head: "POST /api/v1/referrals HTTP/1.1\r\nHost: \(PortalHarness.host)\r\n"
                        + "Cookie: \(session.cookie)\r\nX-CSRF-Token: \(session.csrfToken)\r\n"
                        + "Content-Type: application/json\r\nIdempotency-Key: lost\r\n"
                        + "Content-Length: \(body.count)\r\n\r\n",
                    body: body)
                let deadline = ContinuousClock.now + .seconds(10)
                while try await world.value("SELECT count(*) FROM portal.idempotency_keys;") == "0",
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(50))
                }

                // Whether the first attempt committed before the hang-up was noticed decides
                // whether the retry is a replay or the first success; never two referrals.
                let committed =
                    try await world.value("SELECT count(*) FROM portal.idempotency_keys;") == "1"

                // The node goes away; a new one, sharing nothing but the database, answers.
                await harness.server.shutdown()
                let node = try await SecondNode(harness)
                do {
                    let client = node.client([
                        "Cookie": session.cookie, "X-CSRF-Token": session.csrfToken,
                    ])
                    let retry = try await ReferralWorld.submit(client, form, key: "lost")
                    #expect(retry.status == 201, "\(retry.text)")
                    #expect(retry.header("Idempotent-Replayed") == (committed ? "true" : nil))
                    let stored = try await world.value(
                        "SELECT count(*), min(id::text) FROM portal.referrals;")
                    #expect(stored == "1|\(retry.json["id"] as? String ?? "")")
                    await node.stop()
                } catch {
                    await node.stop()
                    throw error
                }
            }
        }

        @Test("keys count for 24 hours; the purge removes only expired keys")
        func expiry() async throws {
            try await PortalHarness.with { harness in
                let world = try await ReferralWorld.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let form = world.form()
                #expect(try await ReferralWorld.submit(referrer, form, key: "old").status == 201)
                #expect(try await ReferralWorld.submit(referrer, form, key: "new").status == 201)
                try await harness.sql(
                    """
                    UPDATE portal.idempotency_keys SET created_at = now() - interval '25 hours'
                    WHERE key = 'old';
                    """)
                let reclaimed = try await ReferralWorld.submit(referrer, form, key: "old")
                #expect(reclaimed.header("Idempotent-Replayed") == nil)
                #expect(try await world.value("SELECT count(*) FROM portal.referrals;") == "3")

                try await harness.sql(
                    "UPDATE portal.idempotency_keys SET created_at = now() - interval '25 hours';")
                try await harness.sql(
                    """
                    UPDATE portal.idempotency_keys SET created_at = now() WHERE key = 'new';
                    """)
                let purge = IdempotencyKeyPurge(
                    pool: harness.pools[0], logger: Logger(label: "purge", level: .warning))
                #expect(try await purge.purgeOnce() == 1)
                #expect(try await world.value("SELECT key FROM portal.idempotency_keys;") == "new")
            }
        }

        /// Writes a request on a new connection and closes it without reading the answer.
        static func sendAndHangUp(port: Int, head: String, body: [UInt8]) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw PortalClient.ClientError(description: "socket failed") }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                throw PortalClient.ClientError(description: "connect failed")
            }
            let request = Array(head.utf8) + body
            let written = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == request.count else {
                throw PortalClient.ClientError(description: "short write")
            }
        }
    }
}
