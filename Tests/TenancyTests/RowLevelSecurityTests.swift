import Foundation
import PortalTesting
import Postgres
import Testing

/// The tenant boundary, table by table, from the catalogue: every table in schema `portal`
/// has row-level security enabled and forced with a policy, and `portal_app`, with the
/// tenant setting missing, empty, unknown, malformed or naming the other tenant, can read,
/// change, delete and insert nothing of a tenant's rows.
@Suite("Row-level security walk")
struct RowLevelSecurityTests {
    /// What the catalogue says about one table and portal_app's privileges on it.
    struct TableFacts {
        let name: String
        let rowSecurity: Bool
        let forced: Bool
        let policies: Int
        let appPolicies: Int
        let appMaySelect: Bool
        let appMayDelete: Bool
        /// A column portal_app may update, if any.
        let updatableColumn: String?
        /// Columns portal_app may name in an INSERT.
        let insertableColumns: [String]
        /// `tenant_id`, or `id` for the tenants table itself.
        let keyColumn: String

        var appHasAnyPrivilege: Bool {
            self.appMaySelect || self.appMayDelete || self.updatableColumn != nil
                || !self.insertableColumns.isEmpty
        }
    }

    /// How the tenant setting is left before each attempt.
    enum Setting: CaseIterable {
        case missing, empty, unknown, malformed, otherTenant

        func value(other: UUID) -> String? {
            switch self {
            case .missing: nil
            case .empty: ""
            case .unknown: UUID().uuidString.lowercased()
            case .malformed: "not-a-tenant"
            case .otherTenant: other.uuidString.lowercased()
            }
        }
    }

    static func facts(_ database: MigratedDatabase) async throws -> [TableFacts] {
        let text = try await database.psql(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid
                      AND ('portal_app'::regrole = ANY (p.polroles) OR 0::oid = ANY (p.polroles))),
                   has_table_privilege('portal_app', c.oid, 'SELECT'),
                   has_table_privilege('portal_app', c.oid, 'DELETE'),
                   (SELECT a.attname FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                       AND a.attgenerated = ''
                       AND has_column_privilege('portal_app', c.oid, a.attnum, 'UPDATE')
                     ORDER BY a.attnum LIMIT 1),
                   (SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                       AND a.attgenerated = '' AND a.attidentity <> 'a'
                       AND has_column_privilege('portal_app', c.oid, a.attnum, 'INSERT')),
                   EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid
                           AND a.attname = 'tenant_id' AND NOT a.attisdropped)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'portal' AND c.relkind IN ('r', 'p')
            ORDER BY c.relname;
            """)
        return text.split(separator: "\n").map { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map(String.init)
            return TableFacts(
                name: cells[0], rowSecurity: cells[1] == "t", forced: cells[2] == "t",
                policies: Int(cells[3]) ?? 0, appPolicies: Int(cells[4]) ?? 0,
                appMaySelect: cells[5] == "t", appMayDelete: cells[6] == "t",
                updatableColumn: cells[7].isEmpty ? nil : cells[7],
                insertableColumns: cells[8].split(separator: ",").map(String.init),
                keyColumn: cells[9] == "t" ? "tenant_id" : "id")
        }
    }

    @Test("every table is confined to the tenant set in the transaction", .timeLimit(.minutes(2)))
    func walk() async throws {
        let database = try await MigratedDatabase.migrated()
        let tenantA = TenantFixtures(slug: "provider-a")
        let tenantB = TenantFixtures(slug: "provider-b")

        let tables = try await Self.facts(database)
        let present = Set(tables.map(\.name))
        #expect(tables.count >= 14)
        #expect(
            present.isSubset(of: Set(tenantA.tables.map(\.table))),
            "every table needs a fixture in TenantFixtures: \(present.sorted())")
        try await database.psql(tenantA.script)
        try await database.psql(tenantB.script)

        for table in tables {
            #expect(table.rowSecurity && table.forced, "\(table.name): RLS not enabled and forced")
            #expect(table.policies > 0, "\(table.name): no policy")
            #expect(
                !table.appHasAnyPrivilege || table.appPolicies > 0,
                "\(table.name): portal_app has privileges but no policy applies to it")
            for fixtures in [tenantA, tenantB] {
                let count = try await database.psql(
                    "SELECT count(*) FROM portal.\(table.name) WHERE \(table.keyColumn) = "
                        + "'\(fixtures.tenant.uuidString.lowercased())';")
                #expect((Int(count) ?? 0) >= 1, "\(table.name): the fixture left no row")
            }
        }

        try await database.withConnection(as: "portal_app") { connection in
            for table in tables {
                let victim = tenantA.tenant.uuidString.lowercased()
                let rowOfA = try await database.psql(
                    "SELECT row_to_json(x)::text FROM portal.\(table.name) x WHERE "
                        + "\(table.keyColumn) = '\(victim)' LIMIT 1;")
                let probe = TableProbe(
                    table: table, connection: connection, victim: tenantA.tenant,
                    rowOfVictim: rowOfA)

                try await probe.expectVisible(setting: tenantA.tenant.uuidString.lowercased())
                for setting in Setting.allCases {
                    try await probe.expectConfined(
                        setting: setting.value(other: tenantB.tenant), label: "\(setting)",
                        malformed: setting == .malformed)
                }
            }
        }
    }
}
