import Foundation

/// A checked search of the procedure catalogue: the text a referrer typed, split into
/// words, an optional modality and how many results to return.
///
/// Text that is one code-shaped word (a SNOMED CT id or a NICIP code) is also looked up
/// as a code, and a procedure with that code comes first, alone.
public struct ProcedureSearch: Sendable, Equatable {
    /// Results when no limit is given.
    public static let defaultLimit = 20
    /// The largest limit accepted.
    public static let maximumLimit = 50
    /// Longer text is refused (characters).
    public static let maximumLength = 200
    /// Words after this many are refused.
    public static let maximumWords = 8

    /// Words that narrow nothing down, left out of the search.
    static let stopWords: Set<String> = [
        "a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with", "without",
    ]

    /// The text as typed, trimmed.
    public let text: String
    /// Lower-case words of letters and digits, stop words left out.
    public let words: [String]
    /// The text as a code to look up exactly, when it is shaped like one.
    public let code: String?
    public let modality: Modality?
    public let limit: Int

    /// Checks the parameters; throws `invalidSearch` naming the field (`q`, `limit`).
    public init(
        text: String, modality: Modality? = nil, limit: Int? = nil
    ) throws(ProcedureCatalogueError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw ProcedureCatalogueError(
                .invalidSearch, "must have a word or a code to search for", field: "q")
        }
        guard trimmed.count <= Self.maximumLength else {
            throw ProcedureCatalogueError(
                .invalidSearch, "must have at most \(Self.maximumLength) characters", field: "q")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw ProcedureCatalogueError(
                .invalidSearch, "must not contain control characters", field: "q")
        }
        let limit = limit ?? Self.defaultLimit
        guard (1...Self.maximumLimit).contains(limit) else {
            throw ProcedureCatalogueError(
                .invalidSearch, "must be an integer from 1 to \(Self.maximumLimit)",
                field: "limit")
        }

        let words = Self.words(of: trimmed)
        let code = Self.isCodeShaped(trimmed) ? trimmed.uppercased() : nil
        guard !words.isEmpty || code != nil else {
            throw ProcedureCatalogueError(
                .invalidSearch, "must have a word of two or more letters or digits", field: "q")
        }
        guard words.count <= Self.maximumWords else {
            throw ProcedureCatalogueError(
                .invalidSearch, "must have at most \(Self.maximumWords) words", field: "q")
        }
        self.text = trimmed
        self.words = words
        self.code = code
        self.modality = modality
        self.limit = limit
    }

    /// Lower-case runs of ASCII letters and digits, each at least two long (a lone "x" of
    /// "x-ray" says nothing), stop words and repeats left out.
    static func words(of text: String) -> [String] {
        var words: [String] = []
        let runs = text.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        for run in runs {
            let word = String(run.prefix(40))
            guard word.count >= 2, !Self.stopWords.contains(word), !words.contains(word) else {
                continue
            }
            words.append(word)
        }
        return words
    }

    /// One word of 3 to 18 ASCII letters and digits: possibly a NICIP code or SNOMED CT id.
    static func isCodeShaped(_ text: String) -> Bool {
        (3...18).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)
            }
    }
}
