/// Why a request could not be read: a stable code for logs and tests, the status the
/// client is answered with, and a sentence saying what was wrong.
///
/// After any parse error the connection is closed: once framing is in doubt, nothing that
/// follows on the same connection can be trusted (that is what request smuggling exploits).
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable identifiers for each kind of refusal.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let bareLineFeed = Code(rawValue: "http.bare_lf")
        public static let invalidRequestLine = Code(rawValue: "http.invalid_request_line")
        public static let invalidMethod = Code(rawValue: "http.invalid_method")
        public static let invalidTarget = Code(rawValue: "http.invalid_target")
        public static let invalidVersion = Code(rawValue: "http.invalid_version")
        public static let unsupportedVersion = Code(rawValue: "http.unsupported_version")
        public static let requestLineTooLong = Code(rawValue: "http.request_line_too_long")
        public static let headersTooLarge = Code(rawValue: "http.headers_too_large")
        public static let tooManyHeaders = Code(rawValue: "http.too_many_headers")
        public static let invalidHeaderName = Code(rawValue: "http.invalid_header_name")
        public static let whitespaceBeforeColon = Code(rawValue: "http.whitespace_before_colon")
        public static let obsoleteLineFolding = Code(rawValue: "http.obsolete_line_folding")
        public static let invalidHeaderValue = Code(rawValue: "http.invalid_header_value")
        public static let missingHost = Code(rawValue: "http.missing_host")
        public static let duplicateHost = Code(rawValue: "http.duplicate_host")
        public static let invalidContentLength = Code(rawValue: "http.invalid_content_length")
        public static let conflictingFraming = Code(rawValue: "http.conflicting_framing")
        public static let unsupportedTransferEncoding = Code(
            rawValue: "http.unsupported_transfer_encoding")
        public static let invalidChunk = Code(rawValue: "http.invalid_chunk")
        public static let bodyTooLarge = Code(rawValue: "http.body_too_large")
        public static let unsupportedExpectation = Code(rawValue: "http.unsupported_expectation")
    }

    public let code: Code
    public let status: HTTPStatus
    public let message: String

    public init(_ code: Code, _ status: HTTPStatus, _ message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    public var description: String { "\(self.code.rawValue): \(self.message)" }

    static func bad(_ code: Code, _ message: String) -> HTTPParseError {
        HTTPParseError(code, .badRequest, message)
    }
}
