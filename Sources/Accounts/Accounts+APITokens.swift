import Audit
import Foundation
import Postgres
import Tenancy

/// API tokens for system clients (a commissioner's reporting tool): created and revoked by
/// a tenant administrator, presented as `Authorization: Bearer`.
extension Accounts {
    /// A token just made: the listing plus the secret, which is never shown again.
    public struct CreatedAPIToken: Sendable {
        public let token: APIToken
        public let secret: String
    }

    /// Makes a token with the scopes asked for. A name already used in the tenant is a
    /// conflict (names tell tokens apart in the listing and the audit trail).
    public func createAPIToken(
        _ request: APITokenRequest, by administrator: SignedInUser, tenant: TenantID,
        origin: RequestOrigin
    ) async throws(AccountsError) -> CreatedAPIToken {
        let (name, scopes, days) = try request.validated()
        let secret = try Secrets.token()
        let scopeList = Self.jsonArray(scopes.map(\.rawValue))
        let lifetime = days.map { Double($0) * 86_400 }

        return try await self.inTenant(tenant) { transaction in
            let taken = try await transaction.query(
                "SELECT 1 FROM portal.api_tokens WHERE name = \(name)")
            guard taken.isEmpty else {
                throw AccountsError(.conflict, "A token called \"\(name)\" already exists.")
            }

            let rows = try await transaction.query(
                """
                INSERT INTO portal.api_tokens (tenant_id, name, token_hash, scopes, created_by,
                                               expires_at)
                VALUES (portal.current_tenant(), \(name), \(try Secrets.digest(secret)),
                        ARRAY(SELECT jsonb_array_elements_text(\(scopeList)::jsonb)),
                        \(administrator.userID),
                        now() + make_interval(secs => \(lifetime)))
                RETURNING id, name, array_to_json(scopes)::text, created_by, created_at, expires_at,
                          last_used_at, revoked_at
                """)
            guard let row = rows.first else { throw AccountsError.unavailable(Self.noRow) }
            let token = try Self.apiToken(row)

            try await self.audit(
                "api_token.created", actor: administrator.userID, record: ("api_token", token.id),
                origin: origin,
                details: [
                    "name": .string(name),
                    "scopes": .string(scopes.map(\.rawValue).joined(separator: " ")),
                ], in: transaction)
            return CreatedAPIToken(token: token, secret: secret)
        }
    }

    /// Every token of the tenant, newest first.
    public func apiTokens(tenant: TenantID) async throws(AccountsError) -> [APIToken] {
        try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(
                """
                SELECT id, name, array_to_json(scopes)::text, created_by, created_at, expires_at,
                          last_used_at, revoked_at
                FROM portal.api_tokens
                ORDER BY created_at DESC, id
                """)
            return try rows.map { try Self.apiToken($0) }
        }
    }

    /// Revokes a token at once; revoking a revoked token changes nothing.
    public func revokeAPIToken(
        _ id: UUID, by administrator: SignedInUser, tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) {
        try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(
                """
                UPDATE portal.api_tokens SET revoked_at = coalesce(revoked_at, now())
                WHERE id = \(id)
                RETURNING revoked_at = now()
                """)
            guard let row = rows.first else { throw AccountsError.notFound("API token") }
            guard try row.decode(Bool.self, at: 0) else { return }

            try await self.audit(
                "api_token.revoked", actor: administrator.userID, record: ("api_token", id),
                origin: origin, in: transaction)
        }
    }

    /// The client a bearer token belongs to, or nil when the token is unknown, revoked or
    /// expired. The token's last use is recorded to the minute: a busy client's requests
    /// then read the row without writing it each time.
    public func client(token: String, tenant: TenantID) async throws(AccountsError) -> APIClient? {
        guard Secrets.isWellFormedToken(token) else { return nil }

        return try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(
                """
                WITH found AS (
                    SELECT id, name, scopes, last_used_at FROM portal.api_tokens
                    WHERE token_hash = \(try Secrets.digest(token)) AND revoked_at IS NULL
                      AND (expires_at IS NULL OR expires_at > now())
                ), touched AS (
                    UPDATE portal.api_tokens AS t SET last_used_at = now()
                    FROM found
                    WHERE t.id = found.id
                      AND (found.last_used_at IS NULL
                           OR found.last_used_at < now() - interval '1 minute')
                )
                SELECT id, name, array_to_json(scopes)::text FROM found
                """)
            guard let row = rows.first else { return nil }

            let (id, name, scopes) = try row.decode((UUID, String, String).self)
            let names = try JSONDecoder().decode([String].self, from: Data(scopes.utf8))
            return APIClient(tokenID: id, name: name, scopes: names.compactMap(APIScope.init))
        }
    }

    /// Reads a row of the columns the statements above return, in their order.
    static func apiToken(_ row: PostgresRow) throws -> APIToken {
        let (id, name, scopes, creator, created, expires, used, revoked) = try row.decode(
            (UUID, String, String, UUID, Date, Date?, Date?, Date?).self)
        let names = try JSONDecoder().decode([String].self, from: Data(scopes.utf8))
        return APIToken(
            id: id, name: name, scopes: names.compactMap(APIScope.init), createdBy: creator,
            createdAt: created, expiresAt: expires, lastUsedAt: used, revokedAt: revoked)
    }

    /// A JSON array of strings, for statements that unnest it into a `text[]`.
    static func jsonArray(_ values: [String]) -> String {
        let data = (try? JSONEncoder().encode(values)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
