import Foundation
import PortalTesting
import Testing

/// `portalctl audit verify` as an operator runs it, against chains tampered with by the
/// superuser behind the append-only triggers' backs.
@Suite("portalctl audit verify")
struct PortalctlAuditTests {
    /// The `portalctl` built next to the running test bundle.
    static var portalctl: String { BuiltProduct.path("portalctl") }

    func run(_ arguments: [String]) async throws -> CommandOutput {
        try await ProcessRunner.run(
            Self.portalctl, arguments, environment: ["PORTAL_DB_URL": ""], timeout: .seconds(60))
    }

    /// A database whose tenant has four chained events; returns it, the tenant and the ids
    /// by sequence number.
    func chainOfFour() async throws -> (MigratedDatabase, MigratedDatabase.Tenant, [Int64: String]) {
        let database = try await MigratedDatabase.migrated()
        let tenant = try await database.addTenant(slug: "chain")
        _ = try await database.addTenant(slug: "bystander")
        try await database.psql(
            """
            SELECT set_config('portal.tenant_id', '\(tenant.id)', false);
            INSERT INTO portal.audit_events (action, record_type, record_id)
            VALUES ('referral.create', 'referral', 'R1');
            INSERT INTO portal.audit_events (action, record_type, record_id)
            VALUES ('referral.read', 'referral', 'R1');
            INSERT INTO portal.audit_events (action, record_type, record_id)
            VALUES ('report.read', 'report', 'P1');
            INSERT INTO portal.audit_events (action) VALUES ('session.sign_out');
            """)
        let ids = try await database.psql(
            "SELECT seq, id FROM portal.audit_events ORDER BY seq;")
        var bySeq: [Int64: String] = [:]
        for line in ids.split(separator: "\n") {
            let cells = line.split(separator: "|")
            bySeq[Int64(cells[0])!] = String(cells[1])
        }
        return (database, tenant, bySeq)
    }

    /// Runs `sql` as the superuser with the append-only triggers disabled around it.
    func tamper(_ database: MigratedDatabase, _ sql: String) async throws {
        try await database.psql(
            """
            ALTER TABLE portal.audit_events DISABLE TRIGGER append_only;
            ALTER TABLE portal.audit_chain_heads DISABLE TRIGGER advance_only;
            \(sql)
            ALTER TABLE portal.audit_events ENABLE ALWAYS TRIGGER append_only;
            ALTER TABLE portal.audit_chain_heads ENABLE ALWAYS TRIGGER advance_only;
            """)
    }

    func verify(_ database: MigratedDatabase) async throws -> CommandOutput {
        try await self.run([
            "audit", "verify", "--database-url",
            database.cluster.connectionString(database: database.name),
        ])
    }

    @Test("an intact trail exits 0")
    func intact() async throws {
        let (database, tenant, _) = try await self.chainOfFour()
        let output = try await self.verify(database)
        #expect(output.status == 0, "\(output.standardError)")
        let tenantText = tenant.id.uuidString.lowercased()
        #expect(output.standardOutput.contains("intact  tenant \(tenantText): 4 event(s)"))
        #expect(output.standardOutput.contains("2 chain(s) checked, 0 broken"))
    }

    @Test("a changed row is named")
    func altered() async throws {
        let (database, _, ids) = try await self.chainOfFour()
        try await self.tamper(
            database, "UPDATE portal.audit_events SET record_id = 'R2' WHERE seq = 2;")

        let output = try await self.verify(database)
        #expect(output.status == 1)
        #expect(
            output.standardError.contains("row \(ids[2]!) (seq 2) was altered"),
            "\(output.standardOutput)")
    }

    @Test("a removed row shows as a gap before the row after it")
    func removed() async throws {
        let (database, _, ids) = try await self.chainOfFour()
        try await self.tamper(database, "DELETE FROM portal.audit_events WHERE seq = 2;")

        let output = try await self.verify(database)
        #expect(output.status == 1)
        #expect(
            output.standardError.contains("row \(ids[3]!) (seq 3) follows a gap: seq 2 expected"),
            "\(output.standardOutput)")
    }

    @Test("swapped rows break the link at the first of them")
    func reordered() async throws {
        let (database, _, ids) = try await self.chainOfFour()
        try await self.tamper(
            database,
            """
            UPDATE portal.audit_events SET seq = 1000 WHERE seq = 2;
            UPDATE portal.audit_events SET seq = 2 WHERE seq = 3;
            UPDATE portal.audit_events SET seq = 3 WHERE seq = 1000;
            """)

        let output = try await self.verify(database)
        #expect(output.status == 1)
        #expect(
            output.standardError.contains(
                "row \(ids[3]!) (seq 2) does not follow the row before it"),
            "\(output.standardOutput)")
    }

    @Test("a row removed from the end disagrees with the chain head")
    func truncatedTail() async throws {
        let (database, tenant, ids) = try await self.chainOfFour()
        try await self.tamper(database, "DELETE FROM portal.audit_events WHERE seq = 4;")

        let output = try await self.run([
            "audit", "verify", "--tenant", tenant.id.uuidString,
            "--database-url", database.cluster.connectionString(database: database.name),
        ])
        #expect(output.status == 1)
        #expect(
            output.standardError.contains("row \(ids[3]!) (seq 3) disagrees with the chain head"),
            "\(output.standardOutput)")
        #expect(output.standardOutput.contains("1 chain(s) checked, 1 broken"))
    }

    @Test(
        "usage errors exit 2",
        arguments: [
            (["audit"], "missing 'verify'"),
            (["audit", "verify"], "no database"),
            (["audit", "verify", "--tenant", "nope", "--database-url", "x"], "not a tenant id"),
            (["audit", "check", "--database-url", "x"], "unexpected argument 'check'"),
        ])
    func usage(arguments: [String], expected: String) async throws {
        let output = try await self.run(arguments)
        #expect(output.status == 2)
        #expect(output.standardError.contains(expected), "\(output.standardError)")
    }
}
