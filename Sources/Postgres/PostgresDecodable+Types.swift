import Foundation

extension Int16: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int16 {
        guard cell.type == .int2 else { throw cell.typeMismatch(Self.self) }
        return try cell.integer(Int16.self, for: Self.self)
    }
}

extension Int32: PostgresDecodable {
    /// Decodes `int4`, and `int2` widened.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int32 {
        switch cell.type {
        case .int4: return try cell.integer(Int32.self, for: Self.self)
        case .int2: return Int32(try cell.integer(Int16.self, for: Self.self))
        default: throw cell.typeMismatch(Self.self)
        }
    }
}

extension Int64: PostgresDecodable {
    /// Decodes `int8`, and `int2`, `int4` and `oid` widened.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int64 {
        switch cell.type {
        case .int8: return try cell.integer(Int64.self, for: Self.self)
        case .int4: return Int64(try cell.integer(Int32.self, for: Self.self))
        case .int2: return Int64(try cell.integer(Int16.self, for: Self.self))
        case .oid: return Int64(try cell.integer(UInt32.self, for: Self.self))
        default: throw cell.typeMismatch(Self.self)
        }
    }
}

extension Int: PostgresDecodable {
    /// Decodes any integer column, as `Int64` does.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int {
        switch cell.type {
        case .int8, .int4, .int2, .oid: return Int(try Int64.decode(from: cell))
        default: throw cell.typeMismatch(Self.self)
        }
    }
}

extension Bool: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Bool {
        guard cell.type == .bool else { throw cell.typeMismatch(Self.self) }
        return try cell.integer(UInt8.self, for: Self.self) != 0
    }
}

extension Double: PostgresDecodable {
    /// Decodes `float8`, and `float4` widened.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Double {
        switch cell.type {
        case .float8: return Double(bitPattern: try cell.integer(UInt64.self, for: Self.self))
        case .float4:
            return Double(Float(bitPattern: try cell.integer(UInt32.self, for: Self.self)))
        default: throw cell.typeMismatch(Self.self)
        }
    }
}

extension String: PostgresDecodable {
    /// Decodes the character types (`text`, `varchar`, `char(n)`, `name`), `json`, `jsonb`
    /// and untyped literals. Other types are refused rather than guessed at: cast them to
    /// `text` in the statement.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> String {
        switch cell.type {
        case .text, .varchar, .bpchar, .name, .unknown, .json:
            return String(decoding: cell.bytes, as: UTF8.self)
        case .jsonb:
            guard cell.bytes.first == 1 else { throw cell.malformed(Self.self) }
            return String(
                decoding: UnsafeRawBufferPointer(rebasing: cell.bytes.dropFirst()), as: UTF8.self)
        default:
            throw cell.typeMismatch(Self.self)
        }
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> [UInt8] {
        guard cell.type == .bytea else { throw cell.typeMismatch(Self.self) }
        return [UInt8](cell.bytes)
    }
}

extension UUID: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> UUID {
        guard cell.type == .uuid else { throw cell.typeMismatch(Self.self) }
        guard cell.bytes.count == 16 else { throw cell.malformed(Self.self) }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: cell.bytes) }
        return UUID(uuid: raw)
    }
}

extension Date: PostgresDecodable {
    /// Decodes `timestamptz`, and `timestamp` read as UTC; `infinity` and `-infinity`
    /// become `distantFuture` and `distantPast`.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Date {
        guard cell.type == .timestamptz || cell.type == .timestamp else {
            throw cell.typeMismatch(Self.self)
        }
        let micros = try cell.integer(Int64.self, for: Self.self)
        if micros == .max { return .distantFuture }
        if micros == .min { return .distantPast }
        let seconds = Double(micros / 1_000_000) - Date.postgresEpochOffset
        let fraction = Double(micros % 1_000_000) / 1_000_000
        return Date(timeIntervalSinceReferenceDate: seconds + fraction)
    }
}
