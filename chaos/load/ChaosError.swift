/// Why a load run or a drill check could not be carried out (not an invariant that failed:
/// those are results, written into the report).
struct ChaosError: Error, CustomStringConvertible {
    enum Code: String {
        /// A command-line argument is missing or malformed.
        case usage
        /// Signing in, or finding a procedure and a site to refer to, failed.
        case setup
        /// A file could not be read or written.
        case storage
        /// The database could not be queried.
        case database
    }

    let code: Code
    let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(self.code.rawValue): \(self.message)" }
}
