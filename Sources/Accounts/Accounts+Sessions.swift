import Audit
import Foundation
import Postgres
import Tenancy

/// Sessions after sign-in: recognising the cookie's token, and signing out.
extension Accounts {
    /// The signed-in user whose session token this is, or nil when the session is unknown,
    /// revoked, idle for longer than the idle timeout or past its absolute end. A session
    /// that is accepted counts as used now, recorded to the minute (so the idle timeout may
    /// end a session up to a minute early, and most requests write nothing).
    public func session(
        token: String, tenant: TenantID
    ) async throws(AccountsError) -> SignedInUser? {
        guard Secrets.isWellFormedToken(token) else { return nil }

        let idle = self.policy.sessionIdleTimeout.seconds
        return try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(
                """
                WITH live AS (
                    SELECT id, last_seen_at FROM portal.sessions
                    WHERE token_hash = \(try Secrets.digest(token)) AND revoked_at IS NULL
                      AND absolute_expires_at > now()
                      AND last_seen_at > now() - make_interval(secs => \(idle))
                ), touched AS (
                    UPDATE portal.sessions AS s SET last_seen_at = now()
                    FROM live
                    WHERE s.id = live.id AND live.last_seen_at < now() - interval '1 minute'
                )
                SELECT id FROM live
                """)
            guard !rows.isEmpty else { return nil }
            return try await Self.sessionUser(token: token, in: transaction)
        }
    }

    /// Reads the user of a session (without checking its timeouts) with their roles.
    static func sessionUser(
        token: String, in transaction: TenantTransaction
    ) async throws -> SignedInUser? {
        let rows = try await transaction.query(
            """
            SELECT s.id, u.id, u.full_name, u.email, u.job_title, u.organisation_id,
                   s.absolute_expires_at, s.csrf_token_hash,
                   coalesce((SELECT json_agg(r.role ORDER BY r.role) FROM portal.user_roles r
                             WHERE r.tenant_id = u.tenant_id AND r.user_id = u.id)::text, '[]')
            FROM portal.sessions s
            JOIN portal.users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
            WHERE s.token_hash = \(try Secrets.digest(token)) AND u.state = 'active'
            """)
        guard let row = rows.first else { return nil }

        let (session, user, name, email, title, organisation, expiry, csrf, roles) =
            try row.decode((UUID, UUID, String, String, String, UUID, Date, [UInt8], String).self)
        let names = try JSONDecoder().decode([String].self, from: Data(roles.utf8))
        return SignedInUser(
            userID: user, sessionID: session, fullName: name, email: email, jobTitle: title,
            organisationID: organisation, roles: names.compactMap(Role.init(rawValue:)),
            absoluteExpiry: expiry, csrfTokenHash: csrf)
    }

    /// Ends the user's current session, or every session of theirs when `everywhere`.
    /// Returns how many sessions were ended.
    @discardableResult
    public func signOut(
        _ user: SignedInUser, everywhere: Bool, tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) -> Int {
        try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(
                """
                UPDATE portal.sessions SET revoked_at = now(), revoked_reason = 'sign_out'
                WHERE user_id = \(user.userID) AND revoked_at IS NULL
                  AND (\(everywhere) OR id = \(user.sessionID))
                RETURNING id
                """)
            try await self.audit(
                everywhere ? "session.sign_out_everywhere" : "session.sign_out",
                actor: user.userID, record: ("session", user.sessionID), origin: origin,
                details: ["sessions_ended": .int(Int64(rows.count))], in: transaction)
            return rows.count
        }
    }
}
