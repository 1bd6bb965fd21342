/// Why the replicator refused a request, a setting or a file: a stable code for programs
/// and tests, and a message for the operator that names the cause.
public struct ReplicatorError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The configuration file is missing, malformed, or has an unknown or missing key.
        case configuration
        /// A command-line argument is wrong (a name PostgreSQL never archives, say).
        case usage
        /// Site B holds other bytes under the name; never overwritten.
        case conflict
        /// Bytes do not match their SHA-256 (in transit or at rest).
        case corrupt
        /// The archive does not hold the file (yet).
        case missing
        /// The peer broke the wire protocol (an unknown frame, an absurd length).
        case protocolViolation = "protocol"
        /// A connection could not be made or broke (refused, reset, timed out, TLS).
        case transport
        /// The shipping daemon is not running or not answering.
        case daemonUnavailable = "daemon-unavailable"
        /// Site B could not be reached to store the file.
        case unreachable
        /// The file was not archived for another reason the message gives.
        case notArchived = "not-archived"
        /// The local file system failed.
        case storage
    }

    public let code: Code
    public let message: String

    /// An error of kind `code`; `message` names the cause for the operator.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The archive's own refusals carried over with their meaning.
    public init(_ error: ArchiveError) {
        switch error.code {
        case .invalidName, .invalidArgument: self.init(.usage, error.message)
        case .conflict: self.init(.conflict, error.message)
        case .corrupt: self.init(.corrupt, error.message)
        case .storage: self.init(.storage, error.message)
        }
    }

    public var description: String { "\(self.code.rawValue): \(self.message)" }
}
