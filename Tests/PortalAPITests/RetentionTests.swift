import Accounts
import Foundation
import Telemetry
import Testing

extension PortalAPISuites {
    /// Spent sign-in rows go; live ones, and rows that are only recently spent, stay.
    @Suite("Sign-in retention")
    struct RetentionTests {
        @Test("the purge removes long-spent rows of every tenant and keeps the rest")
        func purge() async throws {
            try await PortalHarness.with { harness in
                _ = try await harness.signIn(harness.referrer.email)
                _ = try await harness.signIn(harness.otherAdmin.email, host: PortalHarness.otherHost)
                try await harness.sql(Self.ageing)

                let retention = SignInRetention(
                    pool: harness.pools[0], logger: Logger(label: "retention", level: .error),
                    batch: 1)
                let first = try await retention.purgeOnce()
                #expect(
                    first == [
                        "sign_in_challenges": 1, "sessions": 1, "set_password_links": 1,
                        "sign_in_throttles": 1,
                    ], "one of each per call, as the batch says")
                let second = try await retention.purgeOnce()
                #expect(second["sign_in_challenges"] == 1 && second["sessions"] == 1)
                let third = try await retention.purgeOnce()
                #expect(third.values.allSatisfy { $0 == 0 }, "\(third)")

                let left = try await harness.sql(
                    """
                    SELECT (SELECT count(*) FROM portal.sign_in_challenges),
                           (SELECT count(*) FROM portal.sessions),
                           (SELECT count(*) FROM portal.sign_in_throttles);
                    """)
                #expect(left == "0|0|1", "the recent throttle row stays")
            }
        }

        /// Makes both tenants' challenges and sessions long spent, adds a long-expired link,
        /// a throttle row long over and one recently updated.
        static let ageing = """
            UPDATE portal.sign_in_challenges
            SET created_at = now() - interval '2 days',
                expires_at = now() - interval '2 days' + interval '10 minutes';
            UPDATE portal.sessions
            SET created_at = now() - interval '9 days', last_seen_at = now() - interval '9 days',
                absolute_expires_at = now() - interval '9 days' + interval '12 hours';
            INSERT INTO portal.set_password_links (tenant_id, user_id, purpose, token_hash,
                                                   created_at, expires_at)
            SELECT tenant_id, id, 'reset', sha256(gen_random_uuid()::text::bytea),
                   now() - interval '20 days', now() - interval '10 days'
            FROM portal.users LIMIT 1;
            INSERT INTO portal.sign_in_throttles (tenant_id, subject_kind, subject,
                                                  window_started_at, failures, updated_at)
            SELECT id, 'address', '192.0.2.9', now() - interval '2 days', 2,
                   now() - interval '2 days'
            FROM portal.tenants LIMIT 1;
            INSERT INTO portal.sign_in_throttles (tenant_id, subject_kind, subject, failures)
            SELECT id, 'address', '192.0.2.8', 1 FROM portal.tenants LIMIT 1;
            """
    }
}
