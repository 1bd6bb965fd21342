/// Why a failover value, configuration, message or stored state was refused.
public struct FailoverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, stable for programs to match on.
    public enum Code: String, Sendable {
        /// A value (node name, LSN, term, duration) is out of its allowed form or range.
        case invalidValue = "invalid-value"
        /// A configuration file is missing, unreadable or not what the schema says.
        case invalidConfiguration = "invalid-configuration"
        /// A message body is not valid JSON for its type.
        case invalidMessage = "invalid-message"
        /// The coordinator's state file cannot be read, is corrupt or cannot be written.
        case stateFile = "state-file"
        /// A request names a node the coordinator does not know.
        case unknownNode = "unknown-node"
        /// A request conflicts with the current cluster state (switchover refused, ...).
        case refused
    }

    public let code: Code
    public let message: String

    /// An error of kind `code`, with a message that names the cause.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "failover \(self.code.rawValue): \(self.message)" }
}
