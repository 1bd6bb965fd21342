/// Why the site agent could not do what it was asked: a bad configuration, a PostgreSQL
/// that would not start or stop, a program (pg_rewind, pg_controldata) that failed.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, stable for scripts and tests.
    public enum Code: String, Sendable {
        /// The configuration file is unreadable or names something that does not exist.
        case invalidConfiguration = "invalid-configuration"
        /// PostgreSQL did not start, or exited before accepting connections.
        case startFailed = "start-failed"
        /// PostgreSQL did not stop in the time it was given.
        case stopFailed = "stop-failed"
        /// A PostgreSQL program the agent runs failed or could not be started.
        case commandFailed = "command-failed"
        /// A statement on the local server failed.
        case queryFailed = "query-failed"
        /// A file in the data folder could not be read or written.
        case storage
        /// Something did not happen in the time it was given.
        case timedOut = "timed-out"
    }

    public let code: Code
    public let message: String

    /// An error of kind `code`, with a message that names the cause.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "agent \(self.code.rawValue): \(self.message)" }
}
