/// A failure of the throwaway-cluster harness, with what was being done and the server's own
/// words (the tail of its log) so a failing test explains itself.
public struct TestClusterError: Error, CustomStringConvertible, Sendable {
    /// A stable name for the kind of failure, for tests that expect one.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        public static let binariesNotFound = Code(name: "binaries-not-found")
        public static let commandFailed = Code(name: "command-failed")
        public static let timedOut = Code(name: "timed-out")
        public static let folderFailed = Code(name: "folder-failed")
        public static let startFailed = Code(name: "start-failed")
        public static let replicationFailed = Code(name: "replication-failed")

        public var description: String { self.name }
    }

    public let code: Code
    public let message: String
    /// Extra detail: the command's standard error or the server log tail.
    public let context: String

    public init(_ code: Code, _ message: String, context: String = "") {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        guard !self.context.isEmpty else {
            return "\(self.code): \(self.message)"
        }
        return "\(self.code): \(self.message)\n--- context ---\n\(self.context)"
    }
}
