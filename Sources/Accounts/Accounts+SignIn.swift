import Audit
import Foundation
import Postgres
import Tenancy

/// The first step of signing in: the password.
extension Accounts {
    /// What the browser keeps after the password was accepted: the challenge to send back
    /// with the e-mailed code.
    public struct PasswordAccepted: Sendable {
        /// A random token naming the challenge (its digest is stored, not the token).
        public let challenge: String
        public let expiresAt: Date
    }

    /// Checks `password` for `email`; on success e-mails a one-time code and returns the
    /// challenge. An unknown address costs the same password hash as a wrong password and
    /// is refused with the same error. Failures count against the account and the address.
    public func beginSignIn(
        email: String, password: String, tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) -> PasswordAccepted {
        let account = Self.normalisedEmail(email)
        var missing: [AccountsError.Field] = []
        if account.isEmpty { missing.append(.init("/email", "is required")) }
        if password.isEmpty { missing.append(.init("/password", "is required")) }
        guard missing.isEmpty else { throw AccountsError.invalid(missing) }

        let lookup = try await self.inTenant(tenant) { transaction -> CredentialLookup in
            if let lock = try await self.throttle.lockout(
                account: account, address: origin.address, in: transaction)
            {
                try await self.auditRefusalWhileLocked(
                    lock, email: account, step: "password", origin: origin, in: transaction)
                return .locked(lock)
            }
            return .found(try await Self.credential(account: account, in: transaction))
        }
        guard case .found(let stored) = lookup else {
            if case .locked(let lock) = lookup { throw Self.locked(lock) }
            throw AccountsError.unavailable(Self.noRow)
        }

        let check = await self.passwords.verify(password, against: stored?.hash)
        guard let stored, check.accepted else {
            try await self.refuseSignIn(
                account: account, known: stored != nil, tenant: tenant, origin: origin)
            throw AccountsError.invalidCredentials
        }

        let rehashed = check.needsRehash ? try? await self.passwords.hash(password) : nil
        let challenge = try Secrets.token()
        let code = try Secrets.code()
        let lifetime = self.policy.codeLifetime.seconds
        return try await self.inTenant(tenant) { transaction in
            if let rehashed {
                _ = try await transaction.query(
                    """
                    UPDATE portal.password_credentials SET password_hash = \(rehashed)
                    WHERE user_id = \(stored.userID) AND password_hash = \(stored.hash)
                    """)
            }
            // One code at a time: a new challenge ends the user's earlier ones, so that tries
            // cannot be multiplied by asking for many codes.
            _ = try await transaction.query(
                """
                UPDATE portal.sign_in_challenges SET used_at = now()
                WHERE user_id = \(stored.userID) AND used_at IS NULL AND expires_at > now()
                """)
            let rows = try await transaction.query(
                """
                INSERT INTO portal.sign_in_challenges
                    (tenant_id, user_id, token_hash, code_hash, expires_at)
                VALUES (portal.current_tenant(), \(stored.userID), \(try Secrets.digest(challenge)),
                        \(try Secrets.codeDigest(code, challenge: challenge)),
                        now() + make_interval(secs => \(lifetime)))
                RETURNING id, expires_at
                """)
            guard let row = rows.first else { throw AccountsError.unavailable(Self.noRow) }
            let (challengeID, expiresAt) = try row.decode((UUID, Date).self)

            try await self.mailSignInCode(
                code, to: stored.email, minutes: Int(lifetime / 60), in: transaction)
            try await self.audit(
                "session.password_accepted", actor: stored.userID,
                record: ("sign_in_challenge", challengeID), origin: origin,
                details: ["rehashed": .bool(rehashed != nil)], in: transaction)
            return PasswordAccepted(challenge: challenge, expiresAt: expiresAt)
        }
    }

    /// Counts a refused password, locks the account or address when it goes over the
    /// limit, and writes both to the audit trail, committed whatever the caller answers.
    private func refuseSignIn(
        account: String, known: Bool, tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) {
        try await self.inTenant(tenant) { transaction in
            let begun = try await self.throttle.recordFailure(
                account: account, address: origin.address, in: transaction)
            try await self.audit(
                "session.sign_in_failed", actor: nil, record: nil, origin: origin,
                details: [
                    "email": .string(String(account.prefix(254))),
                    "reason": .string(known ? "wrong_password" : "unknown_account"),
                ], in: transaction)
            try await self.auditLockouts(begun, origin: origin, in: transaction)
        }
    }

    /// What the password step found before hashing: a lock (already audited, committed with
    /// the refusal), or the account's credential if there is one.
    private enum CredentialLookup: Sendable {
        case locked(SignInThrottle.Lockout)
        case found((userID: UUID, email: String, hash: String)?)
    }

    /// Records an attempt refused because the account or address is locked: who tried, at
    /// which step, and which lock stopped them.
    func auditRefusalWhileLocked(
        _ lock: SignInThrottle.Lockout, email: String?, step: String, origin: RequestOrigin,
        in transaction: TenantTransaction
    ) async throws(AuditError) {
        var details: [String: AuditDetail] = [
            "reason": .string("locked"), "step": .string(step),
            "subject_kind": .string(lock.kind),
            "seconds_left": .int(Int64(lock.retryAfter)),
        ]
        if let email { details["email"] = .string(String(email.prefix(254))) }
        try await self.audit(
            "session.sign_in_failed", actor: nil, record: nil, origin: origin, details: details,
            in: transaction)
    }

    func auditLockouts(
        _ lockouts: [SignInThrottle.Lockout], origin: RequestOrigin,
        in transaction: TenantTransaction
    ) async throws(AuditError) {
        for lock in lockouts {
            try await self.audit(
                "session.locked", actor: nil, record: nil, origin: origin,
                details: [
                    "subject_kind": .string(lock.kind), "subject": .string(lock.subject),
                    "seconds": .int(Int64(lock.retryAfter)),
                ], in: transaction)
        }
    }

    /// The active user with this e-mail address and their password hash, if any.
    private static func credential(
        account: String, in transaction: TenantTransaction
    ) async throws(PostgresError) -> (userID: UUID, email: String, hash: String)? {
        let rows = try await transaction.query(
            """
            SELECT u.id, u.email, c.password_hash
            FROM portal.users u
            JOIN portal.password_credentials c ON c.tenant_id = u.tenant_id AND c.user_id = u.id
            WHERE lower(u.email) = \(account) AND u.state = 'active'
            """)
        guard let row = rows.first else { return nil }

        let (id, email, hash) = try row.decode((UUID, String, String).self)
        return (id, email, hash)
    }

    static func locked(_ lock: SignInThrottle.Lockout) -> AccountsError {
        let subject = lock.kind == "account" ? "This account" : "Sign-in from your address"
        var error = AccountsError(
            .locked,
            "\(subject) is locked after too many failed attempts; try again in "
                + "\(Self.minutes(lock.retryAfter)).")
        error.retryAfter = lock.retryAfter
        return error
    }

    private static func minutes(_ seconds: Int) -> String {
        let minutes = (seconds + 59) / 60
        return minutes == 1 ? "a minute" : "\(minutes) minutes"
    }

    /// E-mail addresses are compared without surrounding space and without case.
    static func normalisedEmail(_ email: String) -> String {
        String(email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().prefix(254))
    }

    static let noRow = PostgresError(code: .server, message: "the statement returned no row")
}
