import Audit
import Foundation
import PortalTesting
import Postgres
import Reactor
import Tenancy
import Testing

/// Recording events as portal_app and verifying the chains they make.
@Suite("Audit trail")
struct AuditTrailTests {
    func verify(_ database: MigratedDatabase) async throws -> AuditVerification {
        try await database.withConnection(as: "postgres") { connection in
            try await AuditVerifier(connection: connection, batchSize: 3).verify()
        }
    }

    @Test("recorded events chain, and the verifier re-derives every hash")
    func recordAndVerify() async throws {
        let database = try await MigratedDatabase.migrated()
        let tenant = try await database.addTenant(slug: "alliance")
        let entries = [
            AuditEntry(
                action: "session.sign_in", actor: tenant.user, requestID: "req-1",
                remoteAddress: "192.0.2.10", details: ["method": .string("password+code")]),
            AuditEntry(
                action: "referral.read", actor: tenant.user, onBehalfOf: tenant.user,
                record: AuditRecordReference(type: "referral", id: "R-0001"), patient: UUID(),
                requestID: "req-2", remoteAddress: "2001:db8::1",
                details: [
                    "note": .string("Zoë \"quoted\"\nline\t✓"), "count": .int(-3),
                    "urgent": .bool(true), "none": .null,
                ]),
            AuditEntry(action: "session.sign_in_refused", remoteAddress: "198.51.100.7"),
            AuditEntry(action: "report.download", actor: tenant.user, details: [:]),
            AuditEntry(action: "user.invite", actor: tenant.user),
        ]

        let receipts = try await database.withConnection(as: "portal_app") { connection in
            var receipts: [AuditTrail.Receipt] = []
            for entry in entries {
                receipts.append(
                    try await connection.withTenant(TenantID(tenant.id)) { transaction in
                        try await AuditTrail.record(entry, in: transaction)
                    })
            }
            return receipts
        }
        #expect(receipts.map(\.seq) == [1, 2, 3, 4, 5])

        let verification = try await self.verify(database)
        #expect(verification.isIntact, "\(verification.breaks)")
        #expect(verification.chains.map(\.rowsChecked) == [5])

        let stored = try await database.psql(
            "SELECT details::text FROM portal.audit_events WHERE seq = 2;")
        #expect(stored.contains("Zoë"))
    }

    @Test("appends from many connections at once serialise on each tenant's head")
    func concurrentAppends() async throws {
        let database = try await MigratedDatabase.migrated()
        let first = try await database.addTenant(slug: "first")
        let second = try await database.addTenant(slug: "second")

        let loop = try EventLoop(name: "audit-pool")
        defer { loop.shutdown() }
        var configuration = PostgresPoolConfiguration(
            connection: PostgresConfiguration(
                connectionString: database.cluster.connectionString(
                    database: database.name, user: "portal_app", password: nil)))
        configuration.maximumConnections = 6
        // The appends queue on one head per tenant; on a loaded machine that takes a while.
        configuration.acquireTimeout = .seconds(60)
        let pool = try PostgresPool(
            configuration: configuration, on: loop, logger: MigratedDatabase.logger)

        let perTenant = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<(perTenant * 2) {
                let tenant = index.isMultiple(of: 2) ? first : second
                group.addTask {
                    try await pool.withTenant(TenantID(tenant.id)) { transaction in
                        let entry = AuditEntry(
                            action: "referral.read", actor: tenant.user,
                            details: ["n": .int(Int64(index))])
                        try await AuditTrail.record(entry, in: transaction)
                    }
                }
            }
            try await group.waitForAll()
        }
        await pool.close()

        let verification = try await self.verify(database)
        #expect(verification.isIntact, "\(verification.breaks)")
        #expect(verification.chains.map(\.rowsChecked) == [Int64(perTenant), Int64(perTenant)])
        let seqs = try await database.psql(
            "SELECT count(DISTINCT seq), max(seq) FROM portal.audit_events GROUP BY tenant_id;")
        #expect(seqs == "\(perTenant)|\(perTenant)\n\(perTenant)|\(perTenant)")
    }

    @Test("a malformed entry is refused with a typed error and nothing is appended")
    func refusals() async throws {
        let database = try await MigratedDatabase.migrated()
        let tenant = try await database.addTenant(slug: "refusals")
        let other = try await database.addTenant(slug: "other")
        let cases: [(AuditEntry, AuditError.Code, String?)] = [
            (AuditEntry(action: "Referral Read"), .invalidEntry, "action"),
            (AuditEntry(action: "referral"), .invalidEntry, "action"),
            (
                AuditEntry(action: "session.sign_in", details: ["password": .string("hunter2")]),
                .invalidEntry, "details.password"
            ),
            (
                AuditEntry(
                    action: "referral.read",
                    record: AuditRecordReference(type: "Referral", id: "1")),
                .invalidEntry, "record.type"
            ),
            (AuditEntry(action: "session.sign_in", remoteAddress: "999.1.1.1"), .invalidEntry, nil),
            (AuditEntry(action: "referral.read", actor: other.user), .unknownUser, nil),
        ]

        try await database.withConnection(as: "portal_app") { connection in
            for (entry, code, field) in cases {
                do {
                    _ = try await connection.withTenant(TenantID(tenant.id)) { transaction in
                        try await AuditTrail.record(entry, in: transaction)
                    }
                    Issue.record("\(entry.action) was recorded")
                } catch let error as AuditError {
                    #expect(error.code == code, "\(error)")
                    #expect(error.field == field, "\(error)")
                }
            }
        }
        #expect(try await database.psql("SELECT count(*) FROM portal.audit_events;") == "0")
    }
}
