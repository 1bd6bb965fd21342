/// A SNOMED CT identifier as text: 6 to 18 digits, no leading zero, ending in a Verhoeff
/// check digit over the rest. Checking the digit catches most mistyped or truncated ids.
public struct SNOMEDConceptID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    /// Nil when `text` is not shaped like a SNOMED CT id or its check digit is wrong.
    public init?(_ text: String) {
        let digits = Array(text.utf8)
        guard (6...18).contains(digits.count), digits.first != UInt8(ascii: "0"),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            Self.verhoeffHolds(digits.map { Int($0 - UInt8(ascii: "0")) })
        else { return nil }
        self.value = text
    }

    public var description: String { self.value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = SNOMEDConceptID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a SNOMED CT id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.value)
    }

    /// The id made of `stem` (5 to 17 digits, no leading zero) and its check digit; for
    /// making ids of test and benchmark catalogues. Nil for a stem of another shape.
    public init?(stem: String) {
        let digits = stem.compactMap(\.wholeNumberValue)
        guard digits.count == stem.count, stem.allSatisfy(\.isASCII) else { return nil }
        self.init(stem + String(Self.checkDigit(for: digits)))
    }

    /// The Verhoeff check digit that makes `digits` followed by it valid.
    static func checkDigit(for digits: [Int]) -> Int {
        var check = 0
        for (position, digit) in digits.reversed().enumerated() {
            check = Self.multiplication[check][Self.permutation[(position + 1) % 8][digit]]
        }
        return Self.inverse[check]
    }

    private static func verhoeffHolds(_ digits: [Int]) -> Bool {
        var check = 0
        for (position, digit) in digits.reversed().enumerated() {
            check = Self.multiplication[check][Self.permutation[position % 8][digit]]
        }
        return check == 0
    }

    /// The dihedral group D5's multiplication table.
    private static let multiplication: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    private static let permutation: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ]
    private static let inverse = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]
}
