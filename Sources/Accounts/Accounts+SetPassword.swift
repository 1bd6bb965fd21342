import Audit
import Foundation
import Postgres
import Security
import Tenancy

/// Setting a password through an e-mailed link (an invitation or a reset).
extension Accounts {
    private enum LinkOutcome: Sendable {
        case set
        case ended
    }

    /// Sets the password of the link's user, once: the link is spent, an invited user
    /// becomes active, and any sessions they had are ended.
    public func setPassword(
        token: String, password: String, tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) {
        var fields: [AccountsError.Field] = []
        if token.isEmpty { fields.append(.init("/token", "is required")) }
        do {
            try self.policy.passwordHasher.policy.validate(password)
        } catch {
            fields.append(.init("/password", Self.passwordRule(error)))
        }
        guard fields.isEmpty else { throw AccountsError.invalid(fields) }
        guard Secrets.isWellFormedToken(token) else { throw AccountsError.linkEnded }

        let digest = try Secrets.digest(token)
        guard try await self.linkIsLive(digest, tenant: tenant, origin: origin) else {
            throw AccountsError.linkEnded
        }

        let hash: String
        do {
            hash = try await self.passwords.hash(password)
        } catch {
            throw AccountsError.unavailable(error)
        }

        let outcome = try await self.inTenant(tenant) { transaction -> LinkOutcome in
            let rows = try await transaction.query(
                """
                SELECT id, user_id FROM portal.set_password_links
                WHERE token_hash = \(digest) AND used_at IS NULL AND expires_at > now()
                FOR UPDATE
                """)
            guard let row = rows.first else { return .ended }
            let (linkID, user) = try row.decode((UUID, UUID).self)

            try await self.store(hash, for: user, link: linkID, in: transaction)
            try await self.audit(
                "user.password_set", actor: user, record: ("user", user), origin: origin,
                details: ["link_id": .string(linkID.lowercased)], in: transaction)
            return .set
        }
        guard outcome == .set else { throw AccountsError.linkEnded }
    }

    /// Whether the link can still be used, checked before the password is hashed so that a
    /// dead link costs no hashing. A known link that has ended is audited.
    private func linkIsLive(
        _ digest: [UInt8], tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) -> Bool {
        try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(
                """
                SELECT id, used_at IS NULL AND expires_at > now()
                FROM portal.set_password_links WHERE token_hash = \(digest)
                """)
            guard let row = rows.first else { return false }
            let (linkID, live) = try row.decode((UUID, Bool).self)
            if !live {
                try await self.audit(
                    "set_password_link.refused", actor: nil, record: ("set_password_link", linkID),
                    origin: origin, in: transaction)
            }
            return live
        }
    }

    private func store(
        _ hash: String, for user: UUID, link: UUID, in transaction: TenantTransaction
    ) async throws {
        _ = try await transaction.query(
            """
            INSERT INTO portal.password_credentials (tenant_id, user_id, password_hash)
            VALUES (portal.current_tenant(), \(user), \(hash))
            ON CONFLICT (tenant_id, user_id) DO UPDATE
            SET password_hash = excluded.password_hash, changed_at = now(), must_change = false
            """)
        _ = try await transaction.query(
            "UPDATE portal.set_password_links SET used_at = now() WHERE id = \(link)")
        _ = try await transaction.query(
            """
            UPDATE portal.users
            SET state = 'active', state_changed_at = now(), updated_at = now()
            WHERE id = \(user) AND state = 'invited'
            """)
        _ = try await transaction.query(
            """
            UPDATE portal.sessions SET revoked_at = now(), revoked_reason = 'password_changed'
            WHERE user_id = \(user) AND revoked_at IS NULL
            """)
    }

    /// The policy's complaint about a new password, phrased for the form.
    private static func passwordRule(_ error: SecurityError) -> String {
        switch error.code {
        case .passwordTooShort, .passwordTooLong, .passwordBlank, .passwordControlCharacter:
            return error.message.replacingOccurrences(of: "a password ", with: "")
        default:
            return "is not acceptable"
        }
    }
}
