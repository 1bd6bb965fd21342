import CPostgres

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Owns a `PGresult` and frees it when the last rows or row referring to it is released.
/// A result is read-only once libpq hands it over, so sharing it between threads is safe.
final class ResultStorage: @unchecked Sendable {
    let result: OpaquePointer
    let rowCount: Int
    let columnCount: Int

    init(_ result: OpaquePointer) {
        self.result = result
        self.rowCount = Int(PQntuples(result))
        self.columnCount = Int(PQnfields(result))
    }

    deinit {
        PQclear(self.result)
    }

    /// The position of the column named `name` (exactly, case included), if any.
    func columnIndex(named name: String) -> Int? {
        name.withCString { wanted in
            for column in 0..<self.columnCount {
                if let actual = PQfname(self.result, Int32(column)), strcmp(actual, wanted) == 0 {
                    return column
                }
            }
            return nil
        }
    }
}

/// The rows a statement returned, with the columns' names and the number of rows the
/// statement affected. Values stay in libpq's result until decoded.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let storage: ResultStorage

    init(storage: ResultStorage) {
        self.storage = storage
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { self.storage.rowCount }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < self.storage.rowCount, "row index out of range")
        return PostgresRow(storage: self.storage, index: position)
    }

    /// Rows inserted, updated, deleted, selected or copied (`PQcmdTuples`); 0 for
    /// statements that report no count.
    public var affectedRows: Int {
        guard let text = PQcmdTuples(self.storage.result) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    /// The command tag, such as `INSERT 0 1` or `SELECT 3`.
    public var commandTag: String {
        PQcmdStatus(self.storage.result).map { String(cString: $0) } ?? ""
    }

    /// The columns' names, in order.
    public var columnNames: [String] {
        (0..<self.storage.columnCount).map { column in
            PQfname(self.storage.result, Int32(column)).map { String(cString: $0) } ?? ""
        }
    }

    /// The columns' PostgreSQL types, in order.
    public var columnTypes: [PostgresDataType] {
        (0..<self.storage.columnCount).map { column in
            PostgresDataType(rawValue: PQftype(self.storage.result, Int32(column)))
        }
    }
}
