/// One entry of portalctl's command table.
struct Subcommand: Sendable {
    /// The word that selects it: `portalctl migrate`.
    let name: String
    /// One line for `portalctl help`.
    let summary: String
    /// The full usage text, shown with a usage error.
    let usage: String
    /// Runs it with the arguments after its name; returns the exit status. Throws
    /// `UsageError` for bad arguments and any other error for a failure.
    let run: @Sendable ([String], [String: String]) async throws -> Int32
}

/// Arguments that do not fit the command's usage.
struct UsageError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
