/// Why a route could not be added to a ``Router``.
public struct RouterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code for callers that branch on the kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String

        public var description: String { self.name }

        /// The pattern is not `/`-separated segments of literals, `:name` or a final `*name`.
        public static let invalidPattern = Code(name: "router.invalid_pattern")
        /// This method and pattern are already routed.
        public static let duplicateRoute = Code(name: "router.duplicate_route")
        /// A parameter at this position already has another name on a sibling route.
        public static let conflictingParameter = Code(name: "router.conflicting_parameter")
    }

    public let code: Code
    public let message: String
    /// The pattern being added.
    public let pattern: String

    public init(code: Code, message: String, pattern: String) {
        self.code = code
        self.message = message
        self.pattern = pattern
    }

    public var description: String { "\(self.code): \(self.message) (route \(self.pattern))" }
}
