import Audit
import Foundation
import Postgres
import Tenancy

/// A tenant administrator's decision on a registration request.
extension Accounts {
    /// Approves a pending request: the user is created in the invited state with the role
    /// asked for, and a single-use set-password link is e-mailed to them. The organisation
    /// must be known to the provider by then (matched by ODS code).
    public func approveRegistration(
        _ id: UUID, by administrator: SignedInUser, tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) -> RegistrationRequest {
        let link = try Secrets.token()
        let lifetime = self.policy.setPasswordLinkLifetime.seconds

        return try await self.inTenant(tenant) { transaction in
            let request = try await Self.pending(id, in: transaction)
            let known = try await transaction.query(
                """
                SELECT id FROM portal.organisations
                WHERE id = \(request.organisationID) OR ods_code = \(request.organisationOdsCode)
                ORDER BY id = \(request.organisationID) DESC NULLS LAST
                LIMIT 1
                """)
            guard let organisation = try known.first?.decode(UUID.self, at: 0) else {
                throw AccountsError(
                    .conflict,
                    "The organisation with ODS code \(request.organisationOdsCode) is not "
                        + "registered with this provider; add it before approving.")
            }
            let taken = try await transaction.query(
                "SELECT 1 FROM portal.users WHERE lower(email) = lower(\(request.workEmail))")
            guard taken.isEmpty else {
                throw AccountsError(.conflict, "A user with this e-mail address already exists.")
            }

            let phone = request.workPhones.first
            let users = try await transaction.query(
                """
                INSERT INTO portal.users (tenant_id, organisation_id, full_name, job_title, email,
                                          phone, state)
                VALUES (portal.current_tenant(), \(organisation), \(request.fullName),
                        \(request.jobTitle), \(request.workEmail), \(phone), 'invited')
                RETURNING id
                """)
            guard let user = try users.first?.decode(UUID.self, at: 0) else {
                throw AccountsError.unavailable(Self.noRow)
            }
            _ = try await transaction.query(
                """
                INSERT INTO portal.user_roles (tenant_id, user_id, role, delegate_kind, granted_by)
                VALUES (portal.current_tenant(), \(user), \(request.role.rawValue),
                        \(request.delegateKind?.rawValue), \(administrator.userID))
                """)
            let links = try await transaction.query(
                """
                INSERT INTO portal.set_password_links (tenant_id, user_id, purpose, token_hash,
                                                       created_by, expires_at)
                VALUES (portal.current_tenant(), \(user), 'invitation', \(try Secrets.digest(link)),
                        \(administrator.userID), now() + make_interval(secs => \(lifetime)))
                RETURNING id, expires_at
                """)
            guard let linkRow = links.first else { throw AccountsError.unavailable(Self.noRow) }
            let (linkID, expiresAt) = try linkRow.decode((UUID, Date).self)

            _ = try await transaction.query(
                """
                UPDATE portal.registration_requests
                SET state = 'approved', decided_by = \(administrator.userID), decided_at = now(),
                    created_user_id = \(user), organisation_id = \(organisation),
                    organisation_name = NULL, organisation_ods_code = NULL
                WHERE id = \(id)
                """)
            guard let approved = try await Self.registration(id, in: transaction) else {
                throw AccountsError.unavailable(Self.noRow)
            }

            try await self.mailInvitation(
                approved, link: "\(origin.portalURL)/set-password#token=\(link)",
                expiresAt: expiresAt, in: transaction)
            try await self.audit(
                "user.invited", actor: administrator.userID, record: ("user", user),
                origin: origin,
                details: [
                    "role": .string(request.role.rawValue), "link_id": .string(linkID.lowercased),
                ],
                in: transaction)
            try await self.audit(
                "registration_request.approved", actor: administrator.userID,
                record: ("registration_request", id), origin: origin,
                details: ["user_id": .string(user.lowercased)], in: transaction)
            return approved
        }
    }

    /// Declines a pending request and e-mails the reason to the applicant.
    public func declineRegistration(
        _ id: UUID, reason: String?, by administrator: SignedInUser, tenant: TenantID,
        origin: RequestOrigin
    ) async throws(AccountsError) -> RegistrationRequest {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard (1...1000).contains(reason.count) else {
            throw AccountsError.invalid([.init("/reason", "must be 1 to 1000 characters")])
        }

        return try await self.inTenant(tenant) { transaction in
            _ = try await Self.pending(id, in: transaction)
            _ = try await transaction.query(
                """
                UPDATE portal.registration_requests
                SET state = 'declined', decided_by = \(administrator.userID), decided_at = now(),
                    decision_reason = \(reason)
                WHERE id = \(id)
                """)
            guard let declined = try await Self.registration(id, in: transaction) else {
                throw AccountsError.unavailable(Self.noRow)
            }

            try await self.mailDeclined(declined, reason: reason, in: transaction)
            try await self.audit(
                "registration_request.declined", actor: administrator.userID,
                record: ("registration_request", id), origin: origin, in: transaction)
            return declined
        }
    }

    /// The request, locked until the transaction ends; `notFound` or `conflict` when it is
    /// not there or already decided.
    private static func pending(
        _ id: UUID, in transaction: TenantTransaction
    ) async throws -> RegistrationRequest {
        let locked = try await transaction.query(
            "SELECT state FROM portal.registration_requests WHERE id = \(id) FOR UPDATE")
        guard let state = try locked.first?.decode(String.self, at: 0) else {
            throw AccountsError.notFound("registration request")
        }
        guard state == "pending" else {
            throw AccountsError(.conflict, "This request was already \(state).")
        }
        guard let request = try await Self.registration(id, in: transaction) else {
            throw AccountsError.notFound("registration request")
        }
        return request
    }
}
