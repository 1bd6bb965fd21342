/// One record of a CSV file: its fields and the line it starts on (1-based), so that an
/// error can point at the line a person sees in their editor.
public struct CSVRecord: Sendable, Equatable {
    public let line: Int
    public let fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}
