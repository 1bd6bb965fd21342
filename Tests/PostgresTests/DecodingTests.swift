import Foundation
import Postgres
import Testing

/// Every supported type goes to the server in binary and comes back in binary unchanged.
@Suite("Decoding and encoding values")
struct DecodingTests {
    /// Sends `value` as a parameter, casts it to `sqlType` on the server and decodes it.
    private func roundTrip<Value: PostgresEncodable & PostgresDecodable & Equatable>(
        _ values: [Value], as sqlType: String, on connection: PostgresConnection
    ) async throws {
        for value in values {
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT $1::\(sqlType) AS value", binds: Self.binds(value))
            )
            let decoded = try rows[0].decode(Value.self, at: 0)
            #expect(decoded == value, "\(sqlType) round trip of \(value)")
        }
    }

    private static func binds<Value: PostgresEncodable>(_ value: Value) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }

    @Test("integers, booleans and doubles round-trip at their extremes")
    func numbers() async throws {
        try await TestDatabase.withConnection { connection in
            try await self.roundTrip([Int16.min, -1, 0, 1, Int16.max], as: "int2", on: connection)
            try await self.roundTrip([Int32.min, -7, 0, 42, Int32.max], as: "int4", on: connection)
            try await self.roundTrip(
                [Int64.min, -1, 0, 1 << 40, Int64.max], as: "int8", on: connection)
            try await self.roundTrip([Int.min, 0, Int.max], as: "int8", on: connection)
            try await self.roundTrip([true, false], as: "bool", on: connection)
            try await self.roundTrip(
                [0.0, -0.5, 1e308, -1e-308, .pi, .infinity, -.infinity, .leastNonzeroMagnitude],
                as: "float8", on: connection)

            let nan = try await connection.query("SELECT \(Double.nan)::float8")
            #expect(try nan[0].decode(Double.self, at: 0).isNaN)
        }
    }

    @Test("text, bytea, uuid and timestamptz round-trip, unicode and empty values included")
    func textBytesUUIDsAndDates() async throws {
        try await TestDatabase.withConnection { connection in
            try await self.roundTrip(
                [
                    "", "plain", "Zoë's PET-CT 🩻", "line\nbreak", "quote ' and \" and $1",
                    String(repeating: "x", count: 100_000),
                ],
                as: "text", on: connection)
            try await self.roundTrip(["short", "ünïcödé"], as: "varchar", on: connection)
            try await self.roundTrip(
                [[], [0], [0, 255, 1, 254], [UInt8](repeating: 7, count: 70_000)], as: "bytea",
                on: connection)
            try await self.roundTrip(
                [UUID(), UUID(uuidString: "00000000-0000-0000-0000-000000000000")!], as: "uuid",
                on: connection)
            try await self.roundTrip(
                [
                    Date(timeIntervalSince1970: 0),
                    Date(timeIntervalSince1970: 1_767_225_600.123456),
                    Date(timeIntervalSince1970: -2_208_988_800),
                    Date(timeIntervalSince1970: 4_102_444_800),
                ],
                as: "timestamptz", on: connection)
        }
    }

    @Test("the server reads binary parameters as the values they are")
    func serverSeesTheValues() async throws {
        try await TestDatabase.withConnection { connection in
            let id = UUID(uuidString: "0F2C9D1E-3B4A-4C5D-8E6F-7A8B9C0D1E2F")!
            let when = Date(timeIntervalSince1970: 1_700_000_000.25)
            let rows = try await connection.query(
                """
                SELECT \(Int64(12_345))::text, \(true)::text, \(2.5)::text, \(id)::text,
                       to_char(\(when) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'),
                       encode(\([UInt8]([1, 2, 255])), 'hex'), \("ïñ")::text
                """)
            let values = try rows[0].decode(
                (String, String, String, String, String, String, String).self)
            #expect(values.0 == "12345")
            #expect(values.1 == "true")
            #expect(values.2 == "2.5")
            #expect(values.3 == "0f2c9d1e-3b4a-4c5d-8e6f-7a8b9c0d1e2f")
            #expect(values.4 == "2023-11-14 22:13:20.250")
            #expect(values.5 == "0102ff")
            #expect(values.6 == "ïñ")
        }
    }

    @Test("NULL decodes into optionals and NULL parameters are sent as NULL")
    func nulls() async throws {
        try await TestDatabase.withConnection { connection in
            let none: Int64? = nil
            let text: String? = nil
            let rows = try await connection.query(
                """
                SELECT \(none) IS NULL, \(text)::text, \(Int32?(5)),
                       NULL::uuid, NULL::bytea, NULL::timestamptz
                """
            )
            let row = rows[0]
            #expect(try row.decode(Bool.self, at: 0))
            #expect(try row.decode(String?.self, at: 1) == nil)
            #expect(try row.decode(Int32?.self, at: 2) == 5)
            #expect(try row.decode(UUID?.self, at: 3) == nil)
            #expect(try row.decode([UInt8]?.self, at: 4) == nil)
            #expect(try row.decode(Date?.self, at: 5) == nil)
        }
    }

    @Test("narrower integer columns widen; rows decode by name and into tuples")
    func wideningNamesAndTuples() async throws {
        try await TestDatabase.withConnection { connection in
            let rows = try await connection.query(
                "SELECT 1::int2 AS small, 2::int4 AS \"Mixed Case\", 3::int8 AS big, 'x' AS label")
            let row = rows[0]
            #expect(try row.decode(Int64.self, at: 0) == 1)
            #expect(try row.decode(Int.self, column: "Mixed Case") == 2)
            #expect(try row.decode(Int32.self, column: "small") == 1)
            let (small, mixed, big, label) = try row.decode((Int16, Int32, Int64, String).self)
            #expect(small == 1 && mixed == 2 && big == 3 && label == "x")
            #expect(rows.columnNames == ["small", "Mixed Case", "big", "label"])
        }
    }

    @Test("a type mismatch names the column, its PostgreSQL type and the Swift type")
    func mismatchIsClear() async throws {
        try await TestDatabase.withConnection { connection in
            let rows = try await connection.query(
                "SELECT 'Dr Okafor'::text AS referrer, NULL::int4 AS site")
            let mismatch = #expect(throws: PostgresError.self) {
                try rows[0].decode(Int64.self, at: 0)
            }
            #expect(mismatch?.code == .decoding)
            #expect(mismatch?.message.contains("\"referrer\"") == true)
            #expect(mismatch?.message.contains("text") == true)
            #expect(mismatch?.message.contains("Int64") == true)

            let null = #expect(throws: PostgresError.self) {
                try rows[0].decode(Int32.self, column: "site")
            }
            #expect(null?.code == .decoding)
            #expect(null?.message.contains("\"site\"") == true)
            #expect(null?.message.contains("NULL") == true)

            let narrowing = #expect(throws: PostgresError.self) {
                try rows[0].decode((String, Int32?, Int32?).self)
            }
            #expect(narrowing?.code == .decoding)
            let missing = #expect(throws: PostgresError.self) {
                try rows[0].decode(Int32.self, column: "nope")
            }
            #expect(missing?.message.contains("nope") == true)
            let outOfRange = #expect(throws: PostgresError.self) {
                try rows[0].decode(Int32.self, at: 9)
            }
            #expect(outOfRange?.code == .decoding)
        }
    }

    @Test("text holding NUL is refused before sending, not cut short")
    func nulInText() async throws {
        try await TestDatabase.withConnection { connection in
            let value = "before\u{0}after"
            let error = await #expect(throws: PostgresError.self) {
                try await connection.query("SELECT \(Int64(1)), \(value)::text")
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("$2") == true)
            let fine = try await connection.query("SELECT \("fine")::text")
            #expect(try fine[0].decode(String.self, at: 0) == "fine")
        }
    }

    @Test("numeric is refused for Double rather than guessed at")
    func numericRefused() async throws {
        try await TestDatabase.withConnection { connection in
            let rows = try await connection.query(
                "SELECT 1.5::numeric AS amount, 1.5::numeric::text")
            let error = #expect(throws: PostgresError.self) {
                try rows[0].decode(Double.self, at: 0)
            }
            #expect(error?.message.contains("numeric") == true)
            #expect(try rows[0].decode(String.self, at: 1) == "1.5")
        }
    }
}
