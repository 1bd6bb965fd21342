import Foundation
import Testing

@testable import Postgres

/// Building statements: interpolated values become parameters, never SQL text.
@Suite("Postgres query building")
struct QueryTests {
    @Test("interpolated values become numbered parameters of the right types")
    func interpolation() {
        let id: Int64 = 7
        let name = "O'Brien'); DROP TABLE referral; --"
        let site: Int32? = nil
        let query: PostgresQuery =
            "SELECT * FROM t WHERE id = \(id) AND name = \(name) AND site = \(site)"

        #expect(query.sql == "SELECT * FROM t WHERE id = $1 AND name = $2 AND site = $3")
        #expect(query.binds.count == 3)
        #expect(!query.sql.contains("DROP"))
    }

    @Test("a literal without values has no parameters; unsafeSQL keeps the given binds")
    func literalsAndAssembled() {
        let plain: PostgresQuery = "SELECT 1"
        #expect(plain.sql == "SELECT 1")
        #expect(plain.binds.count == 0)

        var binds = PostgresBindings()
        binds.append(UUID())
        binds.append(Date())
        binds.append([UInt8]())
        binds.append(true)
        let columns = ["id", "created"].joined(separator: ", ")
        let assembled = PostgresQuery(
            unsafeSQL: "SELECT \(columns) FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = $4",
            binds: binds)
        #expect(assembled.binds.count == 4)
        #expect(assembled.sql.hasPrefix("SELECT id, created FROM"))
    }

    @Test("types declare the PostgreSQL types and formats they are sent as")
    func declaredTypes() {
        #expect(Int16.postgresType == .int2)
        #expect(Int32.postgresType == .int4)
        #expect(Int64.postgresType == .int8)
        #expect(Int.postgresType == .int8)
        #expect(Bool.postgresType == .bool)
        #expect(Double.postgresType == .float8)
        #expect(UUID.postgresType == .uuid)
        #expect(Date.postgresType == .timestamptz)
        #expect([UInt8].postgresType == .bytea)
        #expect(String.postgresFormat == .text)
        #expect(Int64?.postgresType == .int8)
        #expect(PostgresDataType(rawValue: 99_999).description == "oid 99999")
    }

    @Test("a configuration names every host it may try, for errors before one is reached")
    func hostsDescription() throws {
        let several = PostgresConfiguration(
            connectionString: "host=pga,pgb port=5432,5433 target_session_attrs=read-write")
        try several.validate()
        #expect(several.hostsDescription == "pga:5432,pgb:5433")
        let url = PostgresConfiguration(connectionString: "postgresql://a:6000,b/db")
        #expect(url.hostsDescription == "a:6000,b")
        let shared = PostgresConfiguration(connectionString: "host=a,b port=6000")
        #expect(shared.hostsDescription == "a:6000,b:6000")
    }

    @Test("errors describe themselves with their context")
    func errorDescription() {
        var error = PostgresError(
            code: .server, message: "duplicate key", sqlState: "23505", detail: "Key (id)=(1)",
            host: "127.0.0.1:5432")
        error.table = "site"
        error.constraint = "site_pkey"
        #expect(error.isUniqueViolation)
        #expect(!error.isConnectionLoss)
        #expect(error.description.contains("23505"))
        #expect(error.description.contains("site_pkey"))
        #expect(error.description.contains("127.0.0.1:5432"))

        #expect(PostgresError(code: .server, message: "", sqlState: "40001").isSerializationFailure)
        #expect(PostgresError(code: .server, message: "", sqlState: "40P01").isDeadlock)
        #expect(PostgresError(code: .server, message: "", sqlState: "25006").isReadOnlyTransaction)
        #expect(PostgresError(code: .server, message: "", sqlState: "57P01").isConnectionLoss)
        #expect(PostgresError(code: .server, message: "", sqlState: "08006").isConnectionLoss)
    }
}
