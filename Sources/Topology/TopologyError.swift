/// Why setting up or inspecting the local two-site topology failed.
public struct TopologyError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// An argument or setting is out of its range.
        case invalidArgument = "invalid-argument"
        /// A command the topology runs (openssl, initdb, pg_ctl, ...) failed.
        case commandFailed = "command-failed"
        /// The file system failed.
        case storage
        /// A port the topology needs is in use by something it did not start.
        case portTaken = "port-taken"
        /// A program the topology runs is not installed or not built.
        case programMissing = "program-missing"
        /// Something did not become ready in the time it was given.
        case timedOut = "timed-out"
        /// The failover coordinator declined what was asked, and said why.
        case refused
    }

    public let code: Code
    public let message: String

    /// An error of kind `code`, with a message that names the cause.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "topology \(self.code.rawValue): \(self.message)" }
}
