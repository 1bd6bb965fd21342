import Audit
import Foundation
import Postgres
import Tenancy

/// The second step of signing in: the e-mailed code, which starts a session.
extension Accounts {
    /// A new session: the token for the cookie and the CSRF token for the pages, both shown
    /// this once (only their digests are stored).
    public struct SessionStarted: Sendable {
        public let token: String
        public let csrfToken: String
        public let user: SignedInUser
    }

    /// The challenge a code is tried against, as read (and locked) from the database.
    private struct Challenge {
        let id: UUID
        let userID: UUID
        let codeHash: [UInt8]
        let attempts: Int
        let live: Bool
        let account: String
    }

    private enum CodeOutcome: Sendable {
        case started(SessionStarted)
        case refused(AccountsError)
    }

    /// Tries `code` against the challenge; the right code within its lifetime, before the
    /// tries run out, starts a session. Every failure is counted and audited, and committed
    /// before the refusal is thrown.
    public func completeSignIn(
        challenge token: String, code: String, tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) -> SessionStarted {
        var missing: [AccountsError.Field] = []
        if token.isEmpty { missing.append(.init("/challenge", "is required")) }
        if code.isEmpty { missing.append(.init("/code", "is required")) }
        guard missing.isEmpty else { throw AccountsError.invalid(missing) }

        let outcome = try await self.inTenant(tenant) { transaction -> CodeOutcome in
            if let lock = try await self.throttle.lockout(
                account: nil, address: origin.address, in: transaction)
            {
                try await self.auditRefusalWhileLocked(
                    lock, email: nil, step: "code", origin: origin, in: transaction)
                return .refused(Self.locked(lock))
            }
            guard let challenge = try await Self.challenge(token, in: transaction) else {
                try await self.codeFailed(
                    nil, reason: "unknown_challenge", origin: origin, in: transaction)
                return .refused(AccountsError.challengeEnded)
            }
            if let lock = try await self.throttle.lockout(
                account: challenge.account, address: origin.address, in: transaction)
            {
                try await self.auditRefusalWhileLocked(
                    lock, email: challenge.account, step: "code", origin: origin,
                    in: transaction)
                return .refused(Self.locked(lock))
            }
            let offered = try Secrets.codeDigest(code, challenge: token)
            let verdict = CodeVerdict.of(
                live: challenge.live, attempts: challenge.attempts, limit: self.policy.codeAttempts,
                matches: Secrets.equal(offered, challenge.codeHash))
            switch verdict {
            case .accept:
                return .started(
                    try await self.startSession(challenge, origin: origin, in: transaction))
            case .wrong(let remaining):
                try await self.wrongCode(challenge, origin: origin, in: transaction)
                return .refused(Self.incorrectCode(remaining: remaining))
            case .ended(let reason):
                try await self.codeFailed(
                    challenge, reason: reason, origin: origin, in: transaction)
                return .refused(AccountsError.challengeEnded)
            }
        }

        switch outcome {
        case .started(let session): return session
        case .refused(let error): throw error
        }
    }

    private static func challenge(
        _ token: String, in transaction: TenantTransaction
    ) async throws -> Challenge? {
        let rows = try await transaction.query(
            """
            SELECT c.id, c.user_id, c.code_hash, c.attempts,
                   c.used_at IS NULL AND c.expires_at > now() AND u.state = 'active',
                   lower(u.email)
            FROM portal.sign_in_challenges c
            JOIN portal.users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id
            WHERE c.token_hash = \(try Secrets.digest(token))
            FOR UPDATE OF c
            """)
        guard let row = rows.first else { return nil }

        let (id, user, hash, attempts, live, account) = try row.decode(
            (UUID, UUID, [UInt8], Int, Bool, String).self)
        return Challenge(
            id: id, userID: user, codeHash: hash, attempts: attempts, live: live, account: account)
    }

    /// Counts a wrong code against the challenge, the account and the address.
    private func wrongCode(
        _ challenge: Challenge, origin: RequestOrigin, in transaction: TenantTransaction
    ) async throws {
        _ = try await transaction.query(
            """
            UPDATE portal.sign_in_challenges SET attempts = attempts + 1
            WHERE id = \(challenge.id)
            """)
        try await self.codeFailed(challenge, reason: "wrong_code", origin: origin, in: transaction)
    }

    private static func incorrectCode(remaining: Int) -> AccountsError {
        guard remaining > 0 else { return AccountsError.challengeEnded }
        var error = AccountsError(
            .incorrectCode,
            "The code is not correct; \(remaining) \(remaining == 1 ? "try" : "tries") left.")
        error.remainingAttempts = remaining
        return error
    }

    private func codeFailed(
        _ challenge: Challenge?, reason: String, origin: RequestOrigin,
        in transaction: TenantTransaction
    ) async throws {
        let begun = try await self.throttle.recordFailure(
            account: challenge?.account, address: origin.address, in: transaction)
        try await self.audit(
            "session.code_failed", actor: challenge?.userID,
            record: challenge.map { ("sign_in_challenge", $0.id) }, origin: origin,
            details: ["reason": .string(reason)], in: transaction)
        try await self.auditLockouts(begun, origin: origin, in: transaction)
    }

    /// Spends the challenge and opens a session for its user.
    private func startSession(
        _ challenge: Challenge, origin: RequestOrigin, in transaction: TenantTransaction
    ) async throws -> SessionStarted {
        _ = try await transaction.query(
            "UPDATE portal.sign_in_challenges SET used_at = now() WHERE id = \(challenge.id)")

        let token = try Secrets.token()
        let csrfToken = try Secrets.csrfToken(forSession: token)
        let address: String? = origin.address.isEmpty ? nil : origin.address
        let rows = try await transaction.query(
            """
            INSERT INTO portal.sessions (tenant_id, user_id, token_hash, csrf_token_hash,
                                         absolute_expires_at, remote_address, user_agent)
            VALUES (portal.current_tenant(), \(challenge.userID), \(try Secrets.digest(token)),
                    \(try Secrets.digest(csrfToken)),
                    now() + make_interval(secs => \(self.policy.sessionLifetime.seconds)),
                    \(address)::inet, \(origin.userAgent))
            RETURNING id
            """)
        guard let sessionID = try rows.first?.decode(UUID.self, at: 0) else {
            throw AccountsError.unavailable(Self.noRow)
        }
        _ = try await transaction.query(
            "UPDATE portal.users SET last_sign_in_at = now() WHERE id = \(challenge.userID)")
        try await self.throttle.clear(account: challenge.account, in: transaction)

        guard let user = try await Self.sessionUser(token: token, in: transaction) else {
            throw AccountsError.unavailable(Self.noRow)
        }
        try await self.audit(
            "session.sign_in", actor: challenge.userID, record: ("session", sessionID),
            origin: origin, in: transaction)
        return SessionStarted(token: token, csrfToken: csrfToken, user: user)
    }
}
