import Foundation
import Migrations
import PortalTesting
import Postgres
import Reactor
import Referrals
import Security
import Telemetry
import Tenancy

/// The tenant the benchmark refers into, on a migrated database of its own throwaway
/// cluster: a referring trust with one signed-in referrer per client, the real procedure
/// catalogue and postcode sample loaded by their importers, a scanning site offering the
/// catalogue's MRI, CT, PET-CT and ultrasound procedures, and a pool of existing patients.
///
/// Sessions are created in SQL the way Accounts stores them (the SHA-256 digest of a random
/// token, and of the CSRF token derived from it) rather than through sign-in: sign-in needs
/// the e-mailed code and a mail catcher, and is not what is measured. A change to how
/// Accounts derives the CSRF token shows at once as 403 answers.
struct World: Sendable {
    static let slug = "alliance"
    static let domain = "portal.test"
    static let host = "\(slug).\(domain)"
    /// MRI of knee, from data/procedure-catalogue.csv.
    static let procedureCode = "241641004"

    let cluster: TestCluster
    let database: String
    let tenant: TenantID
    let site: UUID
    let procedure: UUID
    /// Per client: its user, session token and CSRF token.
    let clients: [(user: UUID, token: String, csrf: String)]

    static func create(_ settings: BenchSettings, repository: String) async throws -> World {
        let cluster = try await TestCluster.create()
        do {
            return try await Self.build(cluster, settings, repository: repository)
        } catch {
            await cluster.remove()
            throw error
        }
    }

    private static func build(
        _ cluster: TestCluster, _ settings: BenchSettings, repository: String
    ) async throws -> World {
        let database = try await cluster.createDatabase()
        let logger = Logger(label: "referrals-bench", level: .warning)
        let migrations = try MigrationSet.load(directory: "\(repository)/migrations")
        _ = try await Migrator.withConnection(
            databaseURL: cluster.connectionString(database: database), logger: logger
        ) { try await $0.migrate(migrations) }

        let tenant = TenantID(UUID())
        let organisation = UUID()
        let site = UUID()
        var clients: [(user: UUID, token: String, csrf: String)] = []
        for _ in 0..<settings.clients {
            let token = try SessionToken.generate()
            let mac = try HMACSHA256.authenticate(
                Array("portal csrf v1".utf8), key: Array(token.utf8))
            clients.append((UUID(), token, Base64.encode(mac, alphabet: .url)))
        }
        try await cluster.psql(
            try Self.people(tenant, organisation, site, clients), database: database)

        let loop = try EventLoop(name: "bench-setup")
        defer { loop.shutdown() }
        let connection = try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: cluster.connectionString(database: database)),
            on: loop, logger: logger)
        let catalogue = try ProcedureCatalogueFile.load(
            path: "\(repository)/data/procedure-catalogue.csv")
        _ = try await ProcedureImporter.load(catalogue, tenant: tenant, connection: connection)
        _ = try await PostcodeImport(source: .codePoint, dataYear: 2025).run(
            ["\(repository)/data/codepoint-sample.csv"], on: connection)
        await connection.close()

        try await cluster.psql(Self.siteAndPatients(tenant, site, settings), database: database)
        try await cluster.psql("VACUUM ANALYZE;", database: database)
        let procedure = try await cluster.psql(
            "SELECT id FROM portal.procedures WHERE snomed_ct_id = '\(Self.procedureCode)';",
            database: database)
        guard let procedureID = UUID(uuidString: procedure) else {
            throw BenchFailure("the catalogue has no procedure \(Self.procedureCode)")
        }
        return World(
            cluster: cluster, database: database, tenant: tenant, site: site,
            procedure: procedureID, clients: clients)
    }

    /// The tenant, its trust and site organisations, the referrers with their sessions, the
    /// tenant's safety thresholds, and the table pgbench's clients read their session from.
    private static func people(
        _ tenant: TenantID, _ organisation: UUID, _ site: UUID,
        _ clients: [(user: UUID, token: String, csrf: String)]
    ) throws -> String {
        let t = "'\(tenant)'"
        let o = "'\(organisation.uuidString.lowercased())'"
        var users: [String] = []
        var roles: [String] = []
        var sessions: [String] = []
        var bench: [String] = []
        for (index, client) in clients.enumerated() {
            let user = "'\(client.user.uuidString.lowercased())'"
            let token = Hex.encode(try SessionToken.storageDigest(of: client.token))
            let csrf = Hex.encode(try SessionToken.storageDigest(of: client.csrf))
            users.append(
                "(\(user), \(t), \(o), 'Referrer \(index)', "
                    + "'Consultant orthopaedic surgeon', 'referrer\(index)@nhs.test', 'active')")
            roles.append("(\(t), \(user), 'referrer')")
            sessions.append(
                "(\(t), \(user), '\\x\(token)', '\\x\(csrf)', now() + interval '1 day')")
            bench.append("(\(index), \(user), '\\x\(token)')")
        }
        return """
            INSERT INTO portal.tenants (id, name, slug)
            VALUES (\(t), 'Alliance Imaging', '\(Self.slug)');
            INSERT INTO portal.organisations
                (id, tenant_id, kind, ods_code, name, address_lines, town, postcode)
            VALUES (\(o), \(t), 'referring_organisation', 'RR8',
                    'Leeds Teaching Hospitals', ARRAY['Great George Street'], 'Leeds', 'LS1 3EX'),
                   ('\(site.uuidString.lowercased())', \(t), 'scanning_site', 'NT401',
                    'Leeds Imaging Centre', ARRAY['2 Beckett Street'], 'Leeds', 'LS9 7TF');
            INSERT INTO portal.users
                (id, tenant_id, organisation_id, full_name, job_title, email, state)
            VALUES \(users.joined(separator: ",\n    "));
            INSERT INTO portal.user_roles (tenant_id, user_id, role)
            VALUES \(roles.joined(separator: ", "));
            INSERT INTO portal.sessions (tenant_id, user_id, token_hash, csrf_token_hash,
                                         absolute_expires_at)
            VALUES \(sessions.joined(separator: ",\n    "));
            INSERT INTO portal.safety_rules (tenant_id) VALUES (\(t));
            CREATE SCHEMA bench;
            CREATE TABLE bench.clients (client_id integer PRIMARY KEY, user_id uuid NOT NULL,
                                        token_hash bytea NOT NULL);
            INSERT INTO bench.clients VALUES \(bench.joined(separator: ", "));
            GRANT USAGE ON SCHEMA bench TO portal_app;
            GRANT SELECT ON bench.clients TO portal_app;
            """
    }

    /// The site (placed by the imported postcodes, offering the imported procedures) and the
    /// existing patients, serials 0 to `patients - 1`.
    private static func siteAndPatients(
        _ tenant: TenantID, _ site: UUID, _ settings: BenchSettings
    ) -> String {
        let t = "'\(tenant)'"
        let s = "'\(site.uuidString.lowercased())'"
        var rows: [String] = []
        rows.reserveCapacity(settings.patients)
        for n in 0..<settings.patients {
            let patient = PatientPool.Demographics(n: n)
            rows.append(
                "(\(t), '\(PatientPool.nhsNumber(serial: n))', '\(patient.givenName)', "
                    + "'\(patient.familyName)', '\(patient.dateOfBirth)', "
                    + "'\(patient.statedGender)', '\(patient.statedGender)', "
                    + "ARRAY['\(patient.addressLine)'], '\(PatientPool.Demographics.town)', "
                    + "'\(PatientPool.Demographics.postcode)', '\(patient.mobileStored)', "
                    + "'\(patient.email)', '\(PatientPool.Demographics.gpPractice)')")
        }
        return """
            INSERT INTO portal.scanning_sites (tenant_id, organisation_id, postcode, latitude,
                longitude, modalities, unit_kind, unit_manager_name, unit_manager_phone,
                unit_manager_email)
            SELECT \(t), \(s), postcode, latitude, longitude, '{MRI,CT,PET-CT,US}', 'static',
                   'Sam Carter', '0113 000 0000', 'sam.carter@nhs.test'
            FROM reference.postcodes WHERE postcode = 'LS9 7TF';
            INSERT INTO portal.site_procedures (tenant_id, site_id, procedure_id)
            SELECT tenant_id, \(s), id FROM portal.procedures
            WHERE tenant_id = \(t) AND modality IN ('MRI', 'CT', 'PET-CT', 'US');
            INSERT INTO portal.patients (tenant_id, nhs_number, given_name, family_name,
                date_of_birth, stated_gender, phenotypic_sex, address_lines, town, postcode,
                mobile, email, gp_practice)
            VALUES \(rows.joined(separator: ",\n    "));
            """
    }

    /// A libpq connection string for the application role.
    var appConnectionString: String {
        self.cluster.connectionString(database: self.database, user: "portal_app", password: nil)
    }
}
