import Audit
import Foundation
import Postgres
import Security
import Tenancy

/// What an operator sets up before anyone can sign in: a tenant (an imaging provider), its
/// organisations, and its first users, such as the tenant administrator who then approves
/// registration requests in the portal. Run by `portalctl` over an operator connection (a
/// superuser or a member of portal_owner), each step in one transaction, audited as the
/// operator's.
public enum Provisioning {
    /// A user to create, active with a password the operator chose (the demo, the first
    /// administrator, who should change it).
    public struct NewUser: Sendable {
        public var organisationODSCode: String
        public var fullName: String
        public var jobTitle: String
        public var email: String
        public var roles: [Role]
        public var delegateKind: DelegateKind?
        public var password: String

        public init(
            organisationODSCode: String, fullName: String, jobTitle: String, email: String,
            roles: [Role], delegateKind: DelegateKind? = nil, password: String
        ) {
            self.organisationODSCode = organisationODSCode
            self.fullName = fullName
            self.jobTitle = jobTitle
            self.email = email
            self.roles = roles
            self.delegateKind = delegateKind
            self.password = password
        }
    }

    /// Roles that need details `user add` does not take (a radiologist's IR(ME)R
    /// entitlement, a site staff member's site); they are granted in the portal.
    public static let rolesNeedingDetails: Set<Role> = [.radiologist, .siteStaff]

    /// Creates a tenant; a slug already used is a conflict. Returns its id.
    public static func addTenant(
        slug: String, name: String, on connection: PostgresConnection
    ) async throws(AccountsError) -> TenantID {
        guard TenantID.isValidSlug(slug) else {
            throw AccountsError.invalid([
                .init("slug", "must be 1 to 63 lower-case letters, digits and inner hyphens")
            ])
        }
        let rows = try await Self.run { () async throws(PostgresError) in
            try await connection.query(
                """
                INSERT INTO portal.tenants (name, slug) VALUES (\(name), \(slug))
                ON CONFLICT (slug) DO NOTHING RETURNING id
                """)
        }
        guard let id = try? rows.first?.decode(UUID.self, at: 0) else {
            throw AccountsError(.conflict, "A tenant with slug \(slug) already exists.")
        }
        let tenant = TenantID(id)
        try await Self.audited(
            "tenant.created", tenant: tenant, record: ("tenant", id),
            details: ["slug": .string(slug)], on: connection
        ) { _ in }
        return tenant
    }

    /// The tenant a slug names.
    public static func tenant(
        slug: String, on connection: PostgresConnection
    ) async throws(AccountsError) -> TenantID {
        let rows = try await Self.run { () async throws(PostgresError) in
            try await connection.query("SELECT id FROM portal.tenants WHERE slug = \(slug)")
        }
        guard let id = try? rows.first?.decode(UUID.self, at: 0) else {
            throw AccountsError.notFound("tenant '\(slug)'")
        }
        return TenantID(id)
    }

    /// Adds an organisation (a GP practice, a referring trust, a commissioner, a scanning
    /// site) to a tenant. The database checks the ODS code's shape for its kind.
    public static func addOrganisation(
        kind: String, odsCode: String, name: String, addressLines: [String], town: String,
        postcode: String, tenant: TenantID, on connection: PostgresConnection
    ) async throws(AccountsError) -> UUID {
        let lines = addressLines.map { $0.trimmingCharacters(in: .whitespaces) }
        return try await Self.audited(
            "organisation.created", tenant: tenant, record: nil,
            details: ["ods_code": .string(odsCode), "kind": .string(kind)], on: connection
        ) { transaction in
            let rows = try await transaction.query(
                """
                INSERT INTO portal.organisations (tenant_id, kind, ods_code, name, address_lines,
                                                  town, postcode)
                VALUES (portal.current_tenant(), \(kind), \(odsCode.uppercased()), \(name),
                        ARRAY(SELECT jsonb_array_elements_text(\(Self.jsonArray(lines))::jsonb)),
                        \(town), \(postcode.uppercased()))
                RETURNING id
                """)
            return try rows[0].decode(UUID.self, at: 0)
        }
    }

    /// Creates an active user with their roles and password in `tenant`. The password must
    /// meet the policy; roles needing details are refused.
    public static func addUser(
        _ user: NewUser, tenant: TenantID, hasher: PasswordHasher = PasswordHasher(),
        on connection: PostgresConnection
    ) async throws(AccountsError) -> UUID {
        try Self.check(user)
        let hash: String
        do {
            hash = try await hasher.hashInBackground(user.password)
        } catch {
            throw AccountsError.invalid([.init("password", error.message)])
        }

        return try await Self.audited(
            "user.created", tenant: tenant, record: nil,
            details: [
                "email": .string(user.email),
                "roles": .string(user.roles.map(\.rawValue).joined(separator: " ")),
            ], on: connection
        ) { transaction in
            let organisations = try await transaction.query(
                "SELECT id FROM portal.organisations WHERE ods_code = \(user.organisationODSCode)")
            guard let organisation = try organisations.first?.decode(UUID.self, at: 0) else {
                throw AccountsError.notFound("organisation with ODS code \(user.organisationODSCode)")
            }
            let taken = try await transaction.query(
                "SELECT 1 FROM portal.users WHERE lower(email) = lower(\(user.email))")
            guard taken.isEmpty else {
                throw AccountsError(.conflict, "A user with e-mail \(user.email) already exists.")
            }

            let rows = try await transaction.query(
                """
                INSERT INTO portal.users (tenant_id, organisation_id, full_name, job_title, email,
                                          state)
                VALUES (portal.current_tenant(), \(organisation), \(user.fullName),
                        \(user.jobTitle), \(user.email), 'active')
                RETURNING id
                """)
            let id = try rows[0].decode(UUID.self, at: 0)
            _ = try await transaction.query(
                """
                INSERT INTO portal.password_credentials (tenant_id, user_id, password_hash)
                VALUES (portal.current_tenant(), \(id), \(hash))
                """)
            for role in user.roles {
                let kind = role == .delegate ? user.delegateKind?.rawValue : nil
                _ = try await transaction.query(
                    """
                    INSERT INTO portal.user_roles (tenant_id, user_id, role, delegate_kind)
                    VALUES (portal.current_tenant(), \(id), \(role.rawValue), \(kind))
                    """)
            }
            return id
        }
    }

    /// Refuses a user the database would refuse less clearly.
    private static func check(_ user: NewUser) throws(AccountsError) {
        var fields: [AccountsError.Field] = []
        if user.roles.isEmpty { fields.append(.init("role", "at least one is required")) }
        for role in user.roles where Self.rolesNeedingDetails.contains(role) {
            fields.append(.init("role", "\(role.rawValue) needs details granted in the portal"))
        }
        if user.roles.contains(.delegate) != (user.delegateKind != nil) {
            fields.append(.init("delegate-kind", "is given for, and only for, a delegate"))
        }
        if !user.email.contains("@") { fields.append(.init("email", "must be an e-mail address")) }
        guard fields.isEmpty else { throw AccountsError.invalid(fields) }
    }

    /// Runs `body` in a transaction confined to `tenant` and audits it there, as done by an
    /// operator. An AccountsError from `body` reaches the caller; other failures are
    /// `unavailable` (a constraint the input broke names itself in the message).
    private static func audited<Value: Sendable>(
        _ action: String, tenant: TenantID, record: (String, UUID)?,
        details: [String: AuditDetail], on connection: PostgresConnection,
        _ body: (TenantTransaction) async throws -> Value
    ) async throws(AccountsError) -> Value {
        do {
            return try await connection.withTenant(tenant) { transaction in
                let value = try await body(transaction)
                var details = details
                details["by"] = .string("operator")
                if let created = value as? UUID, record == nil {
                    details["id"] = .string(created.uuidString.lowercased())
                }
                let entry = AuditEntry(
                    action: action,
                    record: record.map { AuditRecordReference(type: $0.0, id: $0.1.lowercased) },
                    details: details)
                try await AuditTrail.record(entry, in: transaction)
                return value
            }
        } catch let error as AccountsError {
            throw error
        } catch {
            throw AccountsError(.unavailable, "\(error)")
        }
    }

    private static func run<Value>(
        _ body: () async throws(PostgresError) -> Value
    ) async throws(AccountsError) -> Value {
        do {
            return try await body()
        } catch {
            throw AccountsError(.unavailable, error.message)
        }
    }

    private static func jsonArray(_ values: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: values)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
