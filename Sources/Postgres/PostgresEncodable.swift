/// A Swift value that can be sent as a statement parameter.
///
/// Conforming types name the PostgreSQL type they are sent as and write its bytes; the
/// module conforms the integers, `Bool`, `Double`, `String`, `UUID`, `Date`, `[UInt8]`
/// and `Optional` of any of them (`nil` is SQL NULL).
public protocol PostgresEncodable: Sendable {
    /// The type the parameter is declared as when the statement is prepared.
    static var postgresType: PostgresDataType { get }
    /// The form the bytes are in.
    static var postgresFormat: PostgresFormat { get }
    /// Appends the value's bytes in `postgresFormat`.
    func encode(into buffer: inout [UInt8])
    /// Adds the value to `bindings`; `Optional` overrides it to send NULL.
    func bind(into bindings: inout PostgresBindings)
}

extension PostgresEncodable {
    public static var postgresFormat: PostgresFormat { .binary }

    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendValue(type: Self.postgresType, format: Self.postgresFormat) { buffer in
            self.encode(into: &buffer)
        }
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    public static var postgresFormat: PostgresFormat { Wrapped.postgresFormat }

    public func encode(into buffer: inout [UInt8]) {
        self?.encode(into: &buffer)
    }

    public func bind(into bindings: inout PostgresBindings) {
        switch self {
        case .some(let value): value.bind(into: &bindings)
        case .none: bindings.appendNull(type: Wrapped.postgresType, format: Wrapped.postgresFormat)
        }
    }
}
