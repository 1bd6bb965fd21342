import Foundation
import PortalTesting
import Postgres
import Testing

/// The schema refuses malformed rows whoever writes them (checked as the superuser, whom
/// row-level security does not hold back): ODS codes, e-mail uniqueness, role details and
/// references across tenants.
@Suite("Schema constraints")
struct ConstraintTests {
    /// Runs `sql` expecting the server to refuse it with `sqlState` (and `constraint`, when
    /// given). A refused statement changes nothing.
    static func expectRefused(
        _ connection: PostgresConnection, _ sql: String, sqlState: String,
        constraint: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql))
            Issue.record("accepted: \(sql)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.sqlState == sqlState, "\(sql): \(error)", sourceLocation: sourceLocation)
            if let constraint {
                #expect(
                    error.constraint == constraint, "\(sql): \(error)",
                    sourceLocation: sourceLocation)
            }
        }
    }

    static func organisation(_ tenant: UUID, kind: String, ods: String) -> String {
        """
        INSERT INTO portal.organisations (tenant_id, kind, ods_code, name, address_lines, town,
            postcode)
        VALUES ('\(tenant)', '\(kind)', '\(ods)', 'Org \(ods)', '{"1 St"}', 'Leeds', 'LS1 4AP')
        """
    }

    @Test("ODS codes have the shape of their kind of organisation")
    func odsCodes() async throws {
        let database = try await MigratedDatabase.migrated()
        let fixtures = TenantFixtures(slug: "ods")
        try await database.psql(fixtures.script)

        try await database.withConnection(as: "postgres") { connection in
            let good = [
                ("gp_practice", "B82005"), ("referring_organisation", "RJ1"),
                ("referring_organisation", "RJ122"), ("commissioner", "15N"),
                ("commissioner", "QE1"), ("scanning_site", "NT402"),
            ]
            for (kind, ods) in good {
                let sql = Self.organisation(fixtures.tenant, kind: kind, ods: ods)
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql))
            }

            let bad = [
                ("gp_practice", "A8100"), ("gp_practice", "a81002"), ("gp_practice", "181001"),
                ("gp_practice", "RJ1"), ("referring_organisation", "R"),
                ("referring_organisation", "RJ12"), ("referring_organisation", "RJ1234"),
                ("referring_organisation", "123"), ("commissioner", "15n"),
                ("scanning_site", "NT4 01"), ("scanning_site", ""),
            ]
            for (kind, ods) in bad {
                await Self.expectRefused(
                    connection, Self.organisation(fixtures.tenant, kind: kind, ods: ods),
                    sqlState: "23514", constraint: "organisations_check")
            }
            await Self.expectRefused(
                connection, Self.organisation(fixtures.tenant, kind: "hospital", ods: "RJ1"),
                sqlState: "23514", constraint: "organisations_kind_check")
        }
    }

    @Test("work e-mail is unique per tenant whatever its case, and free across tenants")
    func emailUniqueness() async throws {
        let database = try await MigratedDatabase.migrated()
        let first = TenantFixtures(slug: "first")
        let second = TenantFixtures(slug: "second")
        try await database.psql(first.script + second.script)

        func user(_ fixtures: TenantFixtures, _ email: String) -> String {
            """
            INSERT INTO portal.users (tenant_id, organisation_id, full_name, job_title, email)
            VALUES ('\(fixtures.tenant)', '\(fixtures.organisation)', 'Dr X', 'GP', '\(email)')
            """
        }

        try await database.withConnection(as: "postgres") { connection in
            // The fixture user is ada.smith@nhs.net in both tenants already.
            for email in ["Ada.Smith@NHS.net", "ADA.SMITH@NHS.NET", "ada.smith@nhs.net"] {
                await Self.expectRefused(
                    connection, user(first, email), sqlState: "23505",
                    constraint: "users_email_key")
            }
            for email in ["not-an-address", "a b@nhs.net", "ada@localhost", "@nhs.net"] {
                await Self.expectRefused(
                    connection, user(first, email), sqlState: "23514",
                    constraint: "users_email_check")
            }
            for (fixtures, email) in [(first, "ben.jones@nhs.net"), (second, "Ben.Jones@nhs.net")] {
                _ = try await connection.query(PostgresQuery(unsafeSQL: user(fixtures, email)))
            }
        }
    }

    @Test("role details belong to their role and are complete")
    func roleDetails() async throws {
        let database = try await MigratedDatabase.migrated()
        let fixtures = TenantFixtures(slug: "roles")
        let other = TenantFixtures(slug: "roles-other")
        try await database.psql(fixtures.script + other.script)
        // Only the fixture's referrer role stays, so each refusal below is for its own reason.
        try await database.psql(
            """
            DELETE FROM portal.arsac_licences;
            DELETE FROM portal.user_roles WHERE role <> 'referrer';
            """)
        let t = "'\(fixtures.tenant)'"
        let u = "'\(fixtures.user)'"
        let role = "INSERT INTO portal.user_roles (tenant_id, user_id, role"

        try await database.withConnection(as: "postgres") { connection in
            let refusals: [(String, String, String)] = [
                (
                    "\(role)) VALUES (\(t), \(u), 'delegate')", "23514",
                    "delegate_kind_only_for_delegates"
                ),
                (
                    "\(role), delegate_kind) VALUES (\(t), \(u), 'viewer', 'mdt_coordinator')",
                    "23514",
                    "delegate_kind_only_for_delegates"
                ),
                (
                    "\(role), delegate_kind) VALUES (\(t), \(u), 'delegate', 'receptionist')",
                    "23514",
                    "user_roles_delegate_kind_check"
                ),
                ("\(role)) VALUES (\(t), \(u), 'site_staff')", "23514", "site_only_for_site_staff"),
                (
                    "\(role), site_id) VALUES (\(t), \(u), 'site_staff', "
                        + "'\(fixtures.organisation)')",
                    "23503", "user_roles_tenant_id_site_id_site_kind_fkey"
                ),
                (
                    "\(role), site_id) VALUES (\(t), \(u), 'site_staff', '\(other.site)')", "23503",
                    "user_roles_tenant_id_site_id_site_kind_fkey"
                ),
                (
                    "\(role)) VALUES (\(t), \(u), 'booking_clerk'), (\(t), \(u), 'superuser')",
                    "23514",
                    "user_roles_role_check"
                ),
                (
                    "\(role), irmer_entitled_by, irmer_entitled_from, irmer_modalities) VALUES "
                        + "(\(t), \(u), 'viewer', 'Director', '2024-01-01', '{MRI}')",
                    "23514", "entitlement_only_for_radiologists"
                ),
                (
                    "\(role), irmer_entitled_by, irmer_entitled_from, irmer_entitled_until, "
                        + "irmer_modalities) VALUES (\(t), \(u), 'booking_clerk', 'D', "
                        + "'2024-01-01', "
                        + "'2023-01-01', '{MRI}')",
                    "23514", "entitlement_only_for_radiologists"
                ),
                (
                    "\(role), irmer_entitled_by, irmer_entitled_from, irmer_modalities) VALUES "
                        + "(\(t), \(u), 'radiologist', 'D', '2024-01-01', '{X-RAY-VISION}')",
                    "23514", "user_roles_irmer_modalities_check"
                ),
                (
                    "\(role)) VALUES (\(t), '\(other.user)', 'referrer')", "23503",
                    "user_roles_tenant_id_user_id_fkey"
                ),
            ]
            for (sql, state, constraint) in refusals {
                await Self.expectRefused(connection, sql, sqlState: state, constraint: constraint)
            }

            await Self.expectRefused(
                connection, "\(role)) VALUES (\(t), \(u), 'radiologist')", sqlState: "23514",
                constraint: "entitlement_only_for_radiologists")

            let valid = "'2024-01-01', '2029-01-01'"
            let backwards = "'2024-01-01', '2023-01-01'"
            let licence = """
                INSERT INTO portal.arsac_licences (tenant_id, user_id, licence_number, holder_name,
                    issued_on, expires_on) VALUES
                """
            await Self.expectRefused(
                connection, "\(licence) (\(t), \(u), 'ARSAC-1', 'Dr A', \(valid))",
                sqlState: "23503", constraint: "arsac_licences_tenant_id_user_id_role_fkey")
            _ = try await connection.query(
                PostgresQuery(
                    unsafeSQL: "\(role), irmer_entitled_by, irmer_entitled_from, irmer_modalities) "
                        + "VALUES (\(t), \(u), 'radiologist', 'D', '2024-01-01', '{PET-CT,MRI}')"))
            await Self.expectRefused(
                connection, "\(licence) (\(t), \(u), 'ARSAC-1', 'Dr A', \(backwards))",
                sqlState: "23514", constraint: "arsac_licences_check")
            _ = try await connection.query(
                PostgresQuery(
                    unsafeSQL: "\(licence) (\(t), \(u), 'ARSAC-1', 'Dr A', \(valid))"))
        }
    }

    @Test("a row cannot point at another tenant's row")
    func crossTenantReferences() async throws {
        let database = try await MigratedDatabase.migrated()
        let mine = TenantFixtures(slug: "mine")
        let theirs = TenantFixtures(slug: "theirs")
        try await database.psql(mine.script + theirs.script)

        try await database.withConnection(as: "postgres") { connection in
            await Self.expectRefused(
                connection,
                """
                INSERT INTO portal.users (tenant_id, organisation_id, full_name, job_title, email)
                VALUES ('\(mine.tenant)', '\(theirs.organisation)', 'Dr X', 'GP', 'x@nhs.net')
                """, sqlState: "23503", constraint: "users_tenant_id_organisation_id_fkey")
            await Self.expectRefused(
                connection,
                """
                INSERT INTO portal.sessions (tenant_id, user_id, token_hash, csrf_token_hash,
                    absolute_expires_at)
                VALUES ('\(mine.tenant)', '\(theirs.user)', sha256('a'), sha256('b'),
                        now() + interval '1 hour')
                """, sqlState: "23503", constraint: "sessions_tenant_id_user_id_fkey")
        }
    }
}
