import Foundation
import Notifications
import Postgres
import Testing

/// What the API role may and may not do with the outbox table.
@Suite("Outbox access")
struct OutboxAccessTests {
    @Test("a message is queued only for the tenant the transaction works for")
    func tenantBoundary() async throws {
        let database = try await OutboxDatabase.create()
        let other = UUID()
        try await database.psql(
            "INSERT INTO portal.tenants (id, name, slug) VALUES ('\(other.uuidString.lowercased())', 'O', 'other');"
        )
        let email = try OutgoingEmail(to: "ada@nhs.example", subject: "Code", body: "123456")

        try await database.withPool { pool in
            // No tenant set at all.
            await #expect {
                try await pool.transaction {
                    try await Outbox.enqueue(email, tenant: database.tenant, in: $0)
                }
            } throws: { error in
                (error as? NotificationError)?.code == .database
            }

            // Working for one tenant, writing for another.
            await #expect {
                try await pool.transaction { transaction in
                    _ = try await transaction.query(
                        "SELECT set_config('portal.tenant_id', \(database.tenantText), true)")
                    return try await Outbox.enqueue(email, tenant: other, in: transaction)
                }
            } throws: { error in
                (error as? NotificationError)?.context.contains("42501") == true
            }
        }
        #expect(try await database.psql("SELECT count(*) FROM portal.outbox;") == "0")
    }

    @Test("the API role may insert new messages but not read, change, delete or forge their state")
    func leastPrivilege() async throws {
        let database = try await OutboxDatabase.create()
        let tenant = database.tenantText

        try await database.withPool { pool in
            let statements: [PostgresQuery] = [
                "SELECT count(*) FROM portal.outbox",
                "UPDATE portal.outbox SET state = 'sent'",
                "DELETE FROM portal.outbox",
                """
                INSERT INTO portal.outbox (tenant_id, channel, recipient, subject, body, state)
                VALUES (\(database.tenant), 'email', 'a@b.example', 's', 'b', 'sent')
                """,
                """
                INSERT INTO portal.outbox (tenant_id, channel, recipient, subject, body, attempts)
                VALUES (\(database.tenant), 'email', 'a@b.example', 's', 'b', 99)
                """,
            ]
            for statement in statements {
                await #expect {
                    try await pool.transaction { transaction in
                        _ = try await transaction.query(
                            "SELECT set_config('portal.tenant_id', \(tenant), true)")
                        return try await transaction.query(statement)
                    }
                } throws: { error in
                    (error as? PostgresError)?.sqlState == "42501"
                }
            }
        }
    }

    @Test("the delivery functions run with a fixed search path and are the only cross-tenant door")
    func definerFunctions() async throws {
        let database = try await OutboxDatabase.create()
        let functions = try await database.psql(
            """
            SELECT p.proname, p.prosecdef, r.rolname, array_to_string(p.proconfig, ',')
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_roles r ON r.oid = p.proowner
            WHERE n.nspname = 'portal' AND p.proname LIKE 'outbox%' ORDER BY p.proname;
            """)
        #expect(
            functions.split(separator: "\n") == [
                "outbox_claim|t|portal_owner|search_path=pg_catalog, pg_temp",
                "outbox_record_failure|t|portal_owner|search_path=pg_catalog, pg_temp",
                "outbox_record_sent|t|portal_owner|search_path=pg_catalog, pg_temp",
            ])
        let publicExecute = try await database.psql(
            """
            SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'portal' AND p.proname LIKE 'outbox%'
              AND has_function_privilege('public', p.oid, 'EXECUTE');
            """)
        #expect(publicExecute == "0")
    }
}
