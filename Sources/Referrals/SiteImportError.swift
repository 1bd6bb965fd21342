import Postgres

/// Why a sites file was refused: every problem found, each with its line, or the database's
/// refusal. Nothing of the file is kept when one is thrown.
public struct SiteImportError: Error, Sendable, CustomStringConvertible {
    /// One problem on one line of the file.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// The line the record starts on (1 is the header).
        public let line: Int
        public let message: String

        public init(line: Int, _ message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { "line \(self.line): \(self.message)" }
    }

    public let message: String
    /// Every problem found, in line order.
    public let issues: [Issue]
    /// The database's error, when the database failed or refused.
    public let underlying: PostgresError?

    public init(_ message: String, issues: [Issue] = [], underlying: PostgresError? = nil) {
        self.message = message
        self.issues = issues.sorted { $0.line < $1.line }
        self.underlying = underlying
    }

    public var description: String {
        ([self.message] + self.issues.map(\.description)
            + [self.underlying?.description]
            .compactMap { $0 }).joined(separator: "\n  ")
    }
}
