import Foundation

extension FixedWidthInteger {
    /// Appends the integer in network byte order, as PostgreSQL's binary forms want it.
    @inline(__always)
    func appendBigEndian(to buffer: inout [UInt8]) {
        var value = self.bigEndian
        withUnsafeBytes(of: &value) { buffer.append(contentsOf: $0) }
    }
}

extension Int16: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int2 }
    public func encode(into buffer: inout [UInt8]) { self.appendBigEndian(to: &buffer) }
}

extension Int32: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int4 }
    public func encode(into buffer: inout [UInt8]) { self.appendBigEndian(to: &buffer) }
}

extension Int64: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public func encode(into buffer: inout [UInt8]) { self.appendBigEndian(to: &buffer) }
}

extension Int: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public func encode(into buffer: inout [UInt8]) { Int64(self).appendBigEndian(to: &buffer) }
}

extension Bool: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bool }
    public func encode(into buffer: inout [UInt8]) { buffer.append(self ? 1 : 0) }
}

extension Double: PostgresEncodable {
    public static var postgresType: PostgresDataType { .float8 }
    public func encode(into buffer: inout [UInt8]) { self.bitPattern.appendBigEndian(to: &buffer) }
}

extension String: PostgresEncodable {
    /// Sent as text with the type left for the server to infer, so that a `String` can
    /// fill a `text`, `varchar`, enum, `jsonb` or `numeric` parameter alike.
    public static var postgresType: PostgresDataType { .unspecified }
    public static var postgresFormat: PostgresFormat { .text }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: self.utf8) }
}

extension Array: PostgresEncodable where Element == UInt8 {
    public static var postgresType: PostgresDataType { .bytea }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}

extension UUID: PostgresEncodable {
    public static var postgresType: PostgresDataType { .uuid }
    public func encode(into buffer: inout [UInt8]) {
        withUnsafeBytes(of: self.uuid) { buffer.append(contentsOf: $0) }
    }
}

extension Date: PostgresEncodable {
    /// Seconds from 2000-01-01 (PostgreSQL's epoch) to 2001-01-01 (Foundation's).
    static let postgresEpochOffset: Double = 31_622_400

    public static var postgresType: PostgresDataType { .timestamptz }

    /// Microseconds since 2000-01-01 UTC; `distantPast`/`distantFuture` and anything
    /// beyond PostgreSQL's range become `-infinity`/`infinity`, and so does a NaN date,
    /// which no timestamp can hold.
    public func encode(into buffer: inout [UInt8]) {
        let micros = (self.timeIntervalSinceReferenceDate + Self.postgresEpochOffset) * 1_000_000
        let value: Int64
        if micros >= 9.2e18 || micros.isNaN {
            value = .max
        } else if micros <= -9.2e18 {
            value = .min
        } else {
            value = Int64(micros.rounded())
        }
        value.appendBigEndian(to: &buffer)
    }
}
