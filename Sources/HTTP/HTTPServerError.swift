#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Why the server could not start or serve: a stable code, a message and the context
/// (address, system call, errno).
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let invalidAddress = Code(rawValue: "http.invalid_address")
        public static let socket = Code(rawValue: "http.socket")
        public static let invalidConfiguration = Code(rawValue: "http.invalid_configuration")
        public static let alreadyStarted = Code(rawValue: "http.already_started")
    }

    public let code: Code
    public let message: String
    /// Where it happened (`127.0.0.1:8080`, `bind`).
    public let context: String

    public init(_ code: Code, _ message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { "\(self.code.rawValue): \(self.message) (\(self.context))" }

    static func system(_ call: String, address: String) -> HTTPServerError {
        let reason = String(cString: strerror(errno))
        return HTTPServerError(
            .socket, "\(call) failed: \(reason) (errno \(errno))", context: address)
    }
}
