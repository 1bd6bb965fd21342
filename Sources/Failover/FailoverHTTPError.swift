/// Why an HTTP exchange of the failover protocol failed, typed so a caller can tell "the
/// peer is down" (connect, timedOut) from "the peer said no" (status).
public struct FailoverHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable {
        /// The URL is not `http://host:port`.
        case invalidURL = "invalid-url"
        /// No connection could be made (refused, unreachable, unresolvable host).
        case connect
        /// The deadline passed before the answer was complete.
        case timedOut = "timed-out"
        /// The connection failed part way (reset, closed early).
        case io
        /// The answer is not HTTP/1.1 the client understands, or is too large.
        case malformedResponse = "malformed-response"
        /// The server answered with a status outside 2xx; see `status` and `detail`.
        case status
        /// The body is not the JSON the caller expected.
        case decoding
    }

    public let code: Code
    public let message: String
    /// The HTTP status for `.status`.
    public let status: Int?
    /// The problem+json `detail` (or the raw body) for `.status`.
    public let detail: String?

    /// An error of kind `code` with a message naming the cause.
    public init(_ code: Code, _ message: String, status: Int? = nil, detail: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.detail = detail
    }

    public var description: String { "http \(self.code.rawValue): \(self.message)" }
}
