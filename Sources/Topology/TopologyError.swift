/// Why setting up or inspecting the local two-site topology failed.
public struct TopologyError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// An argument or setting is out of its range.
        case invalidArgument = "invalid-argument"
        /// A command the topology runs (openssl, initdb, pg_ctl, ...) failed.
        case commandFailed = "command-failed"
        /// The file system failed.
        case storage
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "topology \(self.code.rawValue): \(self.message)" }
}
