/// A failure inside zlib while compressing a response body.
///
/// Callers send the body uncompressed instead; the error exists so the cause can be logged.
public struct GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// zlib's return code (`Z_MEM_ERROR`, `Z_STREAM_ERROR`, ...).
    public let zlibCode: Int32
    /// What was being done: `init`, `deflate`, `reset`.
    public let operation: String

    public init(zlibCode: Int32, operation: String) {
        self.zlibCode = zlibCode
        self.operation = operation
    }

    public var description: String {
        "gzip.\(self.operation) failed with zlib code \(self.zlibCode)"
    }
}
