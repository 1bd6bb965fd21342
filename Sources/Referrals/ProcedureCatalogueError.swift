import Postgres

/// Why a catalogue file was refused, a search could not run or the database failed: a
/// stable code, a message for a human and, for a refused file, every problem found with
/// its line and column.
public struct ProcedureCatalogueError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Opaque so that kinds can be added; compare with the statics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// The file is not a catalogue this importer accepts; `issues` says where and why.
        public static let invalidFile = Code("invalid-file")
        /// A search's text, modality or limit is out of bounds; `field` names which.
        public static let invalidSearch = Code("invalid-search")
        /// The database refused or failed a statement.
        public static let database = Code("database")

        public var description: String { self.name }
    }

    /// One problem in a catalogue file.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// The line the record starts on (1 is the header).
        public let line: Int
        /// The column concerned, by its header name, when one is.
        public let column: String?
        public let message: String

        public init(line: Int, column: String?, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        public var description: String {
            if let column = self.column {
                return "line \(self.line): \(column): \(self.message)"
            }
            return "line \(self.line): \(self.message)"
        }
    }

    public let code: Code
    public let message: String
    /// Every problem found in a refused file, in line order.
    public let issues: [Issue]
    /// The search parameter that was refused (`q`, `modality`, `limit`).
    public let field: String?
    /// The database's error, when the database refused something.
    public let underlying: PostgresError?

    public init(
        _ code: Code, _ message: String, issues: [Issue] = [], field: String? = nil,
        underlying: PostgresError? = nil
    ) {
        self.code = code
        self.message = message
        self.issues = issues
        self.field = field
        self.underlying = underlying
    }

    /// A file refused for one problem that stops reading it.
    static func file(line: Int, _ message: String) -> ProcedureCatalogueError {
        let issue = Issue(line: line, column: nil, message: message)
        return ProcedureCatalogueError(
            .invalidFile, "the catalogue file is refused", issues: [issue])
    }

    public var description: String {
        var text = "ProcedureCatalogueError.\(self.code): \(self.message)"
        if let field = self.field { text += "; field: \(field)" }
        for issue in self.issues { text += "\n  \(issue)" }
        if let underlying = self.underlying { text += "; \(underlying)" }
        return text
    }
}
