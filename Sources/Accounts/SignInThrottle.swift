import Foundation
import Postgres
import Tenancy

/// Counts failed passwords and codes per account (the e-mail typed, whether or not such a
/// user exists) and per remote address in `portal.sign_in_throttles`, so that every API
/// node sees the same counts, and locks a subject that goes over its limit. Rows whose window
/// and lock are long over are removed by `SignInRetention`.
struct SignInThrottle: Sendable {
    /// A subject that is locked, and for how many more seconds.
    struct Lockout: Sendable, Equatable {
        let kind: String
        let subject: String
        let retryAfter: Int
    }

    let policy: ThrottlePolicy

    /// The first lock in force on `account` or `address`, if any.
    func lockout(
        account: String?, address: String, in transaction: TenantTransaction
    ) async throws(PostgresError) -> Lockout? {
        let rows = try await transaction.query(
            """
            SELECT subject_kind, subject,
                   ceil(extract(epoch FROM locked_until - now()))::int8
            FROM portal.sign_in_throttles
            WHERE locked_until > now()
              AND ((subject_kind = 'account' AND subject = \(account))
                   OR (subject_kind = 'address' AND subject = \(address)))
            ORDER BY locked_until DESC
            LIMIT 1
            """)
        guard let row = rows.first else { return nil }

        let (kind, subject, seconds) = try row.decode((String, String, Int64).self)
        return Lockout(kind: kind, subject: subject, retryAfter: max(1, Int(seconds)))
    }

    /// Counts one failure against each subject; returns the locks this failure began.
    func recordFailure(
        account: String?, address: String, in transaction: TenantTransaction
    ) async throws(PostgresError) -> [Lockout] {
        var begun: [Lockout] = []
        if let account, let lock = try await self.count("account", account, in: transaction) {
            begun.append(lock)
        }
        if let lock = try await self.count("address", address, in: transaction) {
            begun.append(lock)
        }
        return begun
    }

    /// Forgets an account's failures after a complete sign-in.
    func clear(account: String, in transaction: TenantTransaction) async throws(PostgresError) {
        _ = try await transaction.query(
            """
            DELETE FROM portal.sign_in_throttles
            WHERE subject_kind = 'account' AND subject = \(account)
            """)
    }

    /// Adds a failure in the subject's current window (a new window when the last one is
    /// over) and locks the subject when the window reaches the limit.
    private func count(
        _ kind: String, _ subject: String, in transaction: TenantTransaction
    ) async throws(PostgresError) -> Lockout? {
        let window = self.policy.window.seconds
        let rows = try await transaction.query(
            """
            INSERT INTO portal.sign_in_throttles AS t (tenant_id, subject_kind, subject, failures)
            VALUES (portal.current_tenant(), \(kind), \(subject), 1)
            ON CONFLICT (tenant_id, subject_kind, subject) DO UPDATE SET
                failures = CASE WHEN t.window_started_at <= now() - make_interval(secs => \(window))
                                THEN 1 ELSE t.failures + 1 END,
                window_started_at = CASE
                    WHEN t.window_started_at <= now() - make_interval(secs => \(window))
                    THEN now() ELSE t.window_started_at END,
                updated_at = now()
            RETURNING failures
            """)
        let failures = try rows.first?.decode(Int.self, at: 0) ?? 0
        let limit = kind == "account" ? self.policy.accountFailures : self.policy.addressFailures
        guard failures >= limit else { return nil }

        let lockout = self.policy.lockout.seconds
        _ = try await transaction.query(
            """
            UPDATE portal.sign_in_throttles
            SET locked_until = now() + make_interval(secs => \(lockout)), failures = 0,
                window_started_at = now(), updated_at = now()
            WHERE subject_kind = \(kind) AND subject = \(subject)
            """)
        return Lockout(kind: kind, subject: subject, retryAfter: max(1, Int(lockout.rounded(.up))))
    }
}
