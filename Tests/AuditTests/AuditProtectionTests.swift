import Foundation
import PortalTesting
import Postgres
import Testing

/// What stands between the trail and someone who wants to rewrite it.
@Suite("Audit protection")
struct AuditProtectionTests {
    /// Runs `sql` as a script, expecting SQLSTATE `sqlState` and a message containing `words`.
    static func expectRefused(
        _ connection: PostgresConnection, _ sql: String, sqlState: String = "42501",
        words: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await connection.execute(script: sql)
            Issue.record("allowed: \(sql)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.sqlState == sqlState, "\(sql): \(error)", sourceLocation: sourceLocation)
            if let words {
                #expect(error.message.contains(words), "\(error)", sourceLocation: sourceLocation)
            }
        }
        _ = try? await connection.execute(script: "ROLLBACK")
    }

    @Test("portal_app owns nothing and cannot alter, drop, rewrite or forge")
    func applicationRole() async throws {
        let database = try await MigratedDatabase.migrated()
        let tenant = try await database.addTenant(slug: "app")
        try await database.psql(
            """
            SELECT set_config('portal.tenant_id', '\(tenant.id)', false);
            INSERT INTO portal.audit_events (action) VALUES ('session.sign_in');
            """)

        let owned = try await database.psql(
            """
            SELECT (SELECT count(*) FROM pg_class WHERE relowner = 'portal_app'::regrole)
                 + (SELECT count(*) FROM pg_proc WHERE proowner = 'portal_app'::regrole)
                 + (SELECT count(*) FROM pg_type WHERE typowner = 'portal_app'::regrole)
                 + (SELECT count(*) FROM pg_namespace WHERE nspowner = 'portal_app'::regrole);
            """)
        #expect(owned == "0")

        try await database.withConnection(as: "portal_app") { connection in
            let scoped = "BEGIN; SELECT set_config('portal.tenant_id', '\(tenant.id)', true); "
            for statement in [
                "ALTER TABLE portal.audit_events DISABLE TRIGGER append_only",
                "ALTER TABLE portal.users ADD COLUMN note text",
                "DROP TABLE portal.audit_events",
                "DROP FUNCTION portal.audit_chain_append()",
                "CREATE TABLE portal.mine (n int)",
                "ALTER POLICY tenant_isolation ON portal.users USING (true)",
                "UPDATE portal.audit_events SET action = 'x.y'",
                "DELETE FROM portal.audit_events",
                "TRUNCATE portal.audit_events",
                "SELECT * FROM portal.audit_chain_heads",
                "UPDATE portal.audit_chain_heads SET last_seq = 0",
                "INSERT INTO portal.audit_events (action, seq) VALUES ('a.b', 7)",
                "INSERT INTO portal.audit_events (action, row_hash) VALUES ('a.b', sha256('x'))",
            ] {
                await Self.expectRefused(connection, scoped + statement)
            }
        }
        let actions = try await database.psql("SELECT action FROM portal.audit_events;")
        #expect(actions == "session.sign_in")
    }

    @Test("even the superuser cannot update, delete or truncate audit rows without DDL")
    func superuser() async throws {
        let database = try await MigratedDatabase.migrated()
        let tenant = try await database.addTenant(slug: "root")
        try await database.psql(
            """
            SELECT set_config('portal.tenant_id', '\(tenant.id)', false);
            INSERT INTO portal.audit_events (action) VALUES ('session.sign_in');
            """)

        try await database.withConnection(as: "postgres") { connection in
            for mode in ["origin", "replica"] {
                let prefix = "BEGIN; SET LOCAL session_replication_role = \(mode); "
                for statement in [
                    "UPDATE portal.audit_events SET action = 'x.y'",
                    "DELETE FROM portal.audit_events",
                    "TRUNCATE portal.audit_events CASCADE",
                    "DELETE FROM portal.audit_chain_heads",
                    "UPDATE portal.audit_chain_heads SET last_seq = 0",
                ] {
                    await Self.expectRefused(connection, prefix + statement, words: "audit")
                }
            }
            // A row can be appended only for the tenant that is set.
            await Self.expectRefused(
                connection,
                "INSERT INTO portal.audit_events (tenant_id, action) "
                    + "VALUES ('\(tenant.id)', 'a.b')",
                words: "tenant set")
        }
        #expect(try await database.psql("SELECT count(*) FROM portal.audit_events;") == "1")
    }
}
