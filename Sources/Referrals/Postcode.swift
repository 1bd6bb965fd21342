/// A UK postcode in its normal form: outward code, one space, inward code ("SW1A 1AA").
///
/// Accepts every current format (A9, A99, A9A, AA9, AA99, AA9A outward codes, then 9AA),
/// in any case and with or without the space, and GIR 0AA. Whether the postcode exists is a
/// separate question, answered by the postcode table.
public struct Postcode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The normal form.
    public let value: String

    /// Letters never used in the inward code's last two places.
    private static let inwardExcluded: Set<Character> = ["C", "I", "K", "M", "O", "V"]

    /// Parses `text`; nil when it is not shaped like a UK postcode.
    public init?(_ text: String) {
        let compact = text.uppercased().filter { $0 != " " }
        guard (5...7).contains(compact.count), compact.allSatisfy({ $0.isASCII }) else {
            return nil
        }
        if compact == "GIR0AA" {
            self.value = "GIR 0AA"
            return
        }

        let outward = compact.dropLast(3)
        let inward = Array(compact.suffix(3))
        guard inward[0].isNumber, inward[1].isLetter, inward[2].isLetter,
            !Self.inwardExcluded.contains(inward[1]), !Self.inwardExcluded.contains(inward[2]),
            Self.isOutwardCode(Array(outward))
        else { return nil }
        self.value = "\(outward) \(String(inward))"
    }

    /// The outward code ("SW1A"), which names the postcode district.
    public var outward: String {
        String(self.value.prefix { $0 != " " })
    }

    public var description: String { self.value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let postcode = Postcode(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a UK postcode"))
        }
        self = postcode
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.value)
    }

    /// A9, A99, A9A, AA9, AA99 or AA9A.
    private static func isOutwardCode(_ outward: [Character]) -> Bool {
        let shape = String(outward.map { $0.isLetter ? "A" : $0.isNumber ? "9" : "?" })
        return ["A9", "A99", "A9A", "AA9", "AA99", "AA9A"].contains(shape)
    }
}
