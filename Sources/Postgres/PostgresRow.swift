import CPostgres

/// One row of a result. Decode its values by position, by column name, or all at once
/// into a tuple:
///
/// ```swift
/// let id = try row.decode(Int64.self, at: 0)
/// let name = try row.decode(String?.self, column: "display_name")
/// let (count, label) = try row.decode((Int64, String).self)
/// ```
public struct PostgresRow: Sendable {
    let storage: ResultStorage
    let index: Int

    /// The number of columns.
    public var count: Int { self.storage.columnCount }

    /// Decodes the value at `column` (0-based).
    public func decode<Value: PostgresDecodable>(
        _ type: Value.Type, at column: Int
    ) throws(PostgresError) -> Value {
        guard column >= 0 && column < self.storage.columnCount else {
            throw PostgresError(
                code: .decoding,
                message: "column index \(column) is out of range: the row has"
                    + " \(self.storage.columnCount) columns")
        }

        let result = self.storage.result
        let row = Int32(self.index)
        let field = Int32(column)
        let dataType = PostgresDataType(rawValue: PQftype(result, field))
        if PQgetisnull(result, row, field) != 0 {
            let cell = PostgresCell(
                type: dataType, bytes: UnsafeRawBufferPointer(start: nil, count: 0),
                column: column, result: result)
            return try Value.decodeNull(from: cell)
        }

        let bytes = UnsafeRawBufferPointer(
            start: PQgetvalue(result, row, field), count: Int(PQgetlength(result, row, field)))
        return try Value.decode(
            from: PostgresCell(type: dataType, bytes: bytes, column: column, result: result))
    }

    /// Decodes the value of the column called `name` (matched exactly, case included).
    public func decode<Value: PostgresDecodable>(
        _ type: Value.Type, column name: String
    ) throws(PostgresError) -> Value {
        guard let column = self.storage.columnIndex(named: name) else {
            throw PostgresError(
                code: .decoding, message: "the result has no column named \"\(name)\"")
        }
        return try self.decode(type, at: column)
    }

    /// Decodes the whole row into a tuple whose arity must equal the column count.
    public func decode<each Value: PostgresDecodable>(
        _ types: (repeat each Value).Type
    ) throws(PostgresError) -> (repeat each Value) {
        var arity = 0
        for _ in repeat (each Value).self { arity += 1 }
        guard arity == self.storage.columnCount else {
            throw PostgresError(
                code: .decoding,
                message: "cannot decode a row of \(self.storage.columnCount) columns into"
                    + " \(arity) values")
        }

        var column = 0
        func next<Element: PostgresDecodable>(
            _ type: Element.Type
        ) throws(PostgresError) -> Element {
            defer { column += 1 }
            return try self.decode(type, at: column)
        }
        return (repeat try next((each Value).self))
    }
}
