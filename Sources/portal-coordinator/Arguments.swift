/// The command line: `portal-coordinator --config FILE`.
struct Arguments {
    static let usage = "usage: portal-coordinator --config coordinator.json"

    let configuration: String

    /// Parses `arguments` (without the program name); nil with a message when wrong.
    static func parse(_ arguments: [String]) -> Result<Arguments, UsageError> {
        guard arguments.count == 2, arguments[0] == "--config", !arguments[1].isEmpty else {
            return .failure(UsageError(message: Self.usage))
        }
        return .success(Arguments(configuration: arguments[1]))
    }
}

/// A command line that is not `--config FILE`.
struct UsageError: Error {
    let message: String
}
