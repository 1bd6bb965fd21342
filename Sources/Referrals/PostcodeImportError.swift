/// Why a postcode file could not be imported: the file and line at fault and what is wrong
/// there, or the database's refusal. Nothing of the import is kept when one is thrown.
public struct PostcodeImportError: Error, Sendable, CustomStringConvertible {
    /// The file, when the fault lies in one.
    public let file: String?
    /// The 1-based line, when the fault lies in one.
    public let line: Int?
    public let message: String

    public init(file: String? = nil, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        switch (self.file, self.line) {
        case (let file?, let line?): "\(file):\(line): \(self.message)"
        case (let file?, nil): "\(file): \(self.message)"
        case (nil, let line?): "line \(line): \(self.message)"
        case (nil, nil): self.message
        }
    }
}
