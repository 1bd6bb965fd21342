/// A statement and its parameters, safe by construction: values interpolated into the
/// literal become `$n` parameters and never part of the SQL text.
///
/// ```swift
/// let rows = try await connection.query("SELECT name FROM clinician WHERE id = \(id)")
/// ```
///
/// Statements assembled at run time (a list of columns, say) use `init(unsafeSQL:binds:)`,
/// whose name says that the caller vouches for the text.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    /// The SQL text with `$1`, `$2`, ... where the values go.
    public var sql: String
    public var binds: PostgresBindings

    /// A statement whose text the caller has assembled and vouches for.
    public init(unsafeSQL sql: String, binds: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// Builds the SQL text and the parameters as the literal is read.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var binds = PostgresBindings()

        public init(literalCapacity: Int, interpolationCount: Int) {
            self.sql = ""
            self.sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            self.sql += literal
        }

        /// Sends `value` as the next parameter and writes its placeholder.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            self.binds.append(value)
            self.sql += "$\(self.binds.count)"
        }

        /// Sends `value` as the next parameter, `nil` as SQL NULL.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            self.binds.append(value)
            self.sql += "$\(self.binds.count)"
        }
    }
}
