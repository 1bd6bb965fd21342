import Audit
import Foundation
import Postgres
import Tenancy

/// The public registration form and the administrators' list of requests.
extension Accounts {
    /// One page of registration requests and the cursor for the next, nil on the last page.
    public struct RegistrationPage: Sendable {
        public let items: [RegistrationRequest]
        public let next: UUID?
    }

    /// Stores a registration request and e-mails the applicant an acknowledgement. The
    /// organisation is matched by its ODS code; one the provider does not know needs its
    /// name.
    public func submitRegistration(
        _ form: RegistrationForm, tenant: TenantID, origin: RequestOrigin
    ) async throws(AccountsError) -> RegistrationRequest {
        let valid = try form.validated()
        let phones = Self.jsonArray(valid.workPhones)
        let address: String? = origin.address.isEmpty ? nil : origin.address

        return try await self.inTenant(tenant) { transaction in
            try await self.checkRegistrationRate(
                email: valid.workEmail, address: address, in: transaction)
            let known = try await transaction.query(
                "SELECT id FROM portal.organisations WHERE ods_code = \(valid.odsCode)")
            let organisation = try known.first?.decode(UUID.self, at: 0)
            guard organisation != nil || valid.organisationName != nil else {
                throw AccountsError.invalid([
                    .init(
                        "/organisation/name",
                        "is required: the provider does not know ODS code \(valid.odsCode) yet")
                ])
            }

            let rows = try await transaction.query(
                """
                INSERT INTO portal.registration_requests (
                    tenant_id, full_name, job_title, work_address, work_email, work_phones,
                    organisation_id, organisation_name, organisation_ods_code, role_requested,
                    delegate_kind, remote_address)
                VALUES (portal.current_tenant(), \(valid.fullName), \(valid.jobTitle),
                        \(valid.workAddress), \(valid.workEmail),
                        ARRAY(SELECT jsonb_array_elements_text(\(phones)::jsonb)),
                        \(organisation),
                        \(organisation == nil ? valid.organisationName : nil),
                        \(organisation == nil ? valid.odsCode : nil), \(valid.role.rawValue),
                        \(valid.delegateKind?.rawValue), \(address)::inet)
                RETURNING id
                """)
            guard let id = try rows.first?.decode(UUID.self, at: 0) else {
                throw AccountsError.unavailable(Self.noRow)
            }
            guard let request = try await Self.registration(id, in: transaction) else {
                throw AccountsError.unavailable(Self.noRow)
            }

            try await self.mailRegistrationReceived(request, in: transaction)
            try await self.audit(
                "registration_request.submitted", actor: nil,
                record: ("registration_request", id), origin: origin,
                details: [
                    "role": .string(valid.role.rawValue), "ods_code": .string(valid.odsCode),
                ],
                in: transaction)
            return request
        }
    }

    /// Refuses a request when its address or its e-mail has sent too many lately.
    private func checkRegistrationRate(
        email: String, address: String?, in transaction: TenantTransaction
    ) async throws {
        let rows = try await transaction.query(
            """
            SELECT count(*) FILTER (WHERE remote_address = \(address)::inet
                                      AND created_at > now() - interval '1 hour'),
                   count(*) FILTER (WHERE lower(work_email) = lower(\(email))
                                      AND created_at > now() - interval '1 day')
            FROM portal.registration_requests
            WHERE created_at > now() - interval '1 day'
            """)
        guard let row = rows.first else { return }
        let (fromAddress, forEmail) = try row.decode((Int, Int).self)
        let overAddress = fromAddress >= self.policy.registrationsPerAddressPerHour
        guard overAddress || forEmail >= self.policy.registrationsPerEmailPerDay else { return }

        var error = AccountsError(
            .locked,
            overAddress
                ? "Too many registration requests from your address; try again in an hour."
                : "Too many registration requests for this e-mail address; try again tomorrow.")
        error.retryAfter = overAddress ? 3600 : 86_400
        throw error
    }

    /// Requests in `state` (all when nil), oldest first, `limit` at a time after `cursor`.
    public func registrations(
        state: RegistrationRequest.State?, limit: Int, after cursor: UUID?, tenant: TenantID
    ) async throws(AccountsError) -> RegistrationPage {
        let limit = min(max(limit, 1), 100)
        return try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(
                """
                SELECT r.id, r.full_name, r.job_title, r.work_address, r.work_email,
                       array_to_json(r.work_phones)::text, r.organisation_id,
                       coalesce(o.ods_code, r.organisation_ods_code),
                       coalesce(o.name, r.organisation_name), r.role_requested, r.delegate_kind,
                       r.state, r.created_at, r.decided_at, r.decision_reason, r.created_user_id
                FROM portal.registration_requests r
                LEFT JOIN portal.organisations o
                       ON o.tenant_id = r.tenant_id AND o.id = r.organisation_id
                WHERE (\(state?.rawValue)::text IS NULL OR r.state = \(state?.rawValue))
                  AND (\(cursor)::uuid IS NULL OR (r.created_at, r.id) > (
                        SELECT c.created_at, c.id FROM portal.registration_requests c
                        WHERE c.id = \(cursor)))
                ORDER BY r.created_at, r.id
                LIMIT \(limit + 1)
                """)
            let items = try rows.map { try RegistrationRequest(row: $0) }
            let page = Array(items.prefix(limit))
            return RegistrationPage(items: page, next: items.count > limit ? page.last?.id : nil)
        }
    }

    /// One request, or `notFound` (also for another tenant's id: row-level security hides it).
    public func registration(
        _ id: UUID, tenant: TenantID
    ) async throws(AccountsError)
        -> RegistrationRequest
    {
        try await self.inTenant(tenant) { transaction in
            guard let request = try await Self.registration(id, in: transaction) else {
                throw AccountsError.notFound("registration request")
            }
            return request
        }
    }

    static func registration(
        _ id: UUID, in transaction: TenantTransaction
    ) async throws -> RegistrationRequest? {
        let rows = try await transaction.query(
            """
            SELECT r.id, r.full_name, r.job_title, r.work_address, r.work_email,
                   array_to_json(r.work_phones)::text, r.organisation_id,
                   coalesce(o.ods_code, r.organisation_ods_code),
                   coalesce(o.name, r.organisation_name), r.role_requested, r.delegate_kind,
                   r.state, r.created_at, r.decided_at, r.decision_reason, r.created_user_id
            FROM portal.registration_requests r
            LEFT JOIN portal.organisations o
                   ON o.tenant_id = r.tenant_id AND o.id = r.organisation_id
            WHERE r.id = \(id)
            """)
        return try rows.first.map { try RegistrationRequest(row: $0) }
    }
}
