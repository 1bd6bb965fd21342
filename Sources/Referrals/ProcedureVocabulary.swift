/// The words of one tenant's catalogue, against which a search's misspelt words are
/// corrected before PostgreSQL's full-text search runs: "kne" stays a prefix, "bdy" also
/// looks for "body", "ultrsound" for "ultrasound".
///
/// Full-text search matches whole words (or prefixes) only, and trigram similarity cannot
/// be computed row by row fast enough (see `ProcedureCatalogue`), so misspellings are
/// mended here, against the few thousand distinct words a catalogue has.
public struct ProcedureVocabulary: Sendable {
    /// Distinct lower-case words, sorted.
    let words: [String]

    public init<Words: Sequence>(_ words: Words) where Words.Element == String {
        self.words = Array(Set(words)).sorted()
    }

    public var count: Int { self.words.count }

    /// The words to search for in place of `word`: itself (as a prefix, for text still
    /// being typed) and, when no catalogue word starts with it, up to three catalogue words
    /// (or word beginnings) within one edit of it, two for words of five letters or more.
    public func alternatives(for word: String) -> (prefix: String, corrections: [String]) {
        guard !self.startsAnyWord(word), !word.allSatisfy(\.isNumber) else {
            return (word, [])
        }

        let typed = Array(word.unicodeScalars)
        let allowed = typed.count >= 5 ? 2 : 1
        // Closest first; a whole word before a word that only begins alike; shorter first.
        var found: [(distance: Int, partial: Int, word: String)] = []
        for candidate in self.words {
            let letters = Array(candidate.unicodeScalars)
            guard letters.count + allowed >= typed.count else { continue }
            let match = Self.distance(typed, toWordOrPrefixOf: letters, limit: allowed)
            if match.distance <= allowed {
                found.append((match.distance, match.whole ? 0 : 1, candidate))
            }
        }
        found.sort {
            ($0.distance, $0.partial, $0.word.count, $0.word)
                < ($1.distance, $1.partial, $1.word.count, $1.word)
        }
        return (word, found.prefix(3).map(\.word))
    }

    /// Whether some word of the catalogue begins with `prefix` (or is it).
    func startsAnyWord(_ prefix: String) -> Bool {
        var low = 0
        var high = self.words.count
        while low < high {
            let middle = (low + high) / 2
            if self.words[middle] < prefix { low = middle + 1 } else { high = middle }
        }
        return low < self.words.count && self.words[low].hasPrefix(prefix)
    }

    /// The optimal string alignment distance (edits, a swap of neighbours counting as one)
    /// from `typed` to `word` or to the closest beginning of `word`, since the typed word may
    /// be unfinished; `limit + 1` as soon as it must exceed `limit`.
    static func distance(
        _ typed: [Unicode.Scalar], toWordOrPrefixOf word: [Unicode.Scalar], limit: Int
    ) -> (distance: Int, whole: Bool) {
        // Rows walk the catalogue word, columns the typed word: after row i, the last column
        // is the distance from the typed word to the word's first i letters.
        let columns = typed.count
        var previous2 = [Int](repeating: 0, count: columns + 1)
        var previous = Array(0...columns)
        var current = [Int](repeating: 0, count: columns + 1)
        var best = previous[columns]
        for i in stride(from: 1, through: word.count, by: 1) {
            current[0] = i
            var rowMinimum = i
            for j in stride(from: 1, through: columns, by: 1) {
                let cost = word[i - 1] == typed[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, word[i - 1] == typed[j - 2], word[i - 2] == typed[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            best = min(best, current[columns])
            if rowMinimum > limit { break }
            if i == word.count {
                return (min(best, limit + 1), current[columns] == best)
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return (min(best, limit + 1), false)
    }
}
