/// The parameter values of a statement (`$1`, `$2`, ...), already encoded into one buffer
/// so that sending them copies nothing more.
public struct PostgresBindings: Sendable {
    /// Every value's bytes, one after another. Text values are followed by a NUL; every
    /// value, even an empty one, occupies at least one byte so its address is never nil.
    var bytes: [UInt8] = []
    var offsets: [Int] = []
    /// Byte length per value; -1 for SQL NULL.
    var lengths: [Int32] = []
    var formats: [Int32] = []
    var types: [UInt32] = []
    /// The first text value (1-based) holding a NUL, which libpq would silently cut short.
    var firstValueWithNUL: Int?

    public init() {}

    /// The number of parameters.
    public var count: Int { self.lengths.count }

    /// Adds `value` as the next parameter.
    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        value.bind(into: &self)
    }

    /// Adds a non-NULL value written by `encode`.
    mutating func appendValue(
        type: PostgresDataType, format: PostgresFormat, encode: (inout [UInt8]) -> Void
    ) {
        let start = self.bytes.count
        encode(&self.bytes)
        let length = self.bytes.count - start
        if format == .text {
            if self.firstValueWithNUL == nil && self.bytes[start...].contains(0) {
                self.firstValueWithNUL = self.count + 1
            }
            self.bytes.append(0)
        } else if length == 0 {
            self.bytes.append(0)
        }
        self.offsets.append(start)
        self.lengths.append(Int32(truncatingIfNeeded: length))
        self.formats.append(format.rawValue)
        self.types.append(type.rawValue)
    }

    /// Adds SQL NULL of the given type.
    mutating func appendNull(type: PostgresDataType, format: PostgresFormat) {
        self.offsets.append(-1)
        self.lengths.append(-1)
        self.formats.append(format.rawValue)
        self.types.append(type.rawValue)
    }

    /// Calls `body` with the C arrays `PQsendQueryPrepared` takes.
    func withParameters<Result>(
        _ body: (
            _ values: UnsafePointer<UnsafePointer<CChar>?>?, _ lengths: UnsafePointer<Int32>?,
            _ formats: UnsafePointer<Int32>?
        ) -> Result
    ) -> Result {
        guard self.count > 0 else { return body(nil, nil, nil) }

        return self.bytes.withUnsafeBytes { buffer in
            withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: self.count) {
                values in
                for index in 0..<self.count {
                    let offset = self.offsets[index]
                    values[index] =
                        offset < 0
                        ? nil
                        : UnsafePointer(
                            buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(
                                to: CChar.self))
                }
                return self.lengths.withUnsafeBufferPointer { lengths in
                    self.formats.withUnsafeBufferPointer { formats in
                        body(
                            UnsafePointer(values.baseAddress), lengths.baseAddress,
                            formats.baseAddress)
                    }
                }
            }
        }
    }
}
