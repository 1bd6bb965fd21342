import CPostgres

/// A Swift value that a result column can be decoded into.
///
/// Results arrive in PostgreSQL's binary form and are decoded straight from the result's
/// memory. The module conforms the integers, `Bool`, `Double`, `String`, `UUID`, `Date`,
/// `[UInt8]` and `Optional` of any of them (SQL NULL becomes `nil`).
public protocol PostgresDecodable {
    /// Decodes a non-NULL cell, or throws `PostgresError.Code.decoding` naming the column,
    /// its type and `Self` when the column's type does not fit.
    static func decode(from cell: PostgresCell) throws(PostgresError) -> Self
    /// The value for SQL NULL; throws unless the type can represent it.
    static func decodeNull(from cell: PostgresCell) throws(PostgresError) -> Self
}

extension PostgresDecodable {
    public static func decodeNull(from cell: PostgresCell) throws(PostgresError) -> Self {
        throw PostgresError(
            code: .decoding,
            message: "column \(cell.columnDescription) is NULL, which \(Self.self) cannot hold;"
                + " decode it as \(Self.self)? instead")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Self {
        try Wrapped.decode(from: cell)
    }

    public static func decodeNull(from cell: PostgresCell) throws(PostgresError) -> Self {
        nil
    }
}

/// One value of a result, seen while it is being decoded. Its bytes point into the result
/// and are valid only during the `decode(from:)` call.
public struct PostgresCell {
    /// The column's PostgreSQL type.
    public let type: PostgresDataType
    /// The value in PostgreSQL's binary form; empty for NULL.
    public let bytes: UnsafeRawBufferPointer
    /// The column's position in the row.
    public let column: Int
    let result: OpaquePointer

    /// The column's name as the server reported it.
    public var columnName: String {
        PQfname(self.result, Int32(self.column)).map { String(cString: $0) } ?? "?"
    }

    /// `"name" (index 2, type int4)`, for error messages.
    var columnDescription: String {
        "\"\(self.columnName)\" (index \(self.column), type \(self.type))"
    }

    /// The error for a column whose type cannot be decoded as `swiftType`.
    public func typeMismatch<Value>(_ swiftType: Value.Type) -> PostgresError {
        PostgresError(
            code: .decoding,
            message: "column \(self.columnDescription) cannot be decoded as \(swiftType)")
    }

    /// The error for a value whose bytes are not what its type promises.
    public func malformed<Value>(_ swiftType: Value.Type) -> PostgresError {
        PostgresError(
            code: .decoding,
            message: "column \(self.columnDescription) holds \(self.bytes.count) bytes,"
                + " which is not a valid \(self.type) for \(swiftType)")
    }

    /// Reads a big-endian integer that fills the whole cell.
    @inline(__always)
    func integer<Value: FixedWidthInteger, Target>(
        _ type: Value.Type, for target: Target.Type
    ) throws(PostgresError) -> Value {
        guard self.bytes.count == MemoryLayout<Value>.size else { throw self.malformed(target) }
        return Value(bigEndian: self.bytes.loadUnaligned(as: Value.self))
    }
}
