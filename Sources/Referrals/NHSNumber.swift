import Foundation

/// A patient's NHS number: ten digits whose last is a Modulus 11 check digit.
///
/// The check: multiply the first nine digits by 10, 9, ..., 2, add the products, and take
/// 11 minus the remainder of the sum divided by 11. A result of 11 means a check digit of
/// 0; a result of 10 means the first nine digits can never form a valid number. People
/// write the number in 3-3-4 groups ("943 476 5919", "943-476-5919"); those separators are
/// accepted and dropped, so `digits` is always the ten digits alone.
public struct NHSNumber: Hashable, Sendable, CustomStringConvertible {
    /// The ten digits, no separators.
    public let digits: String

    /// Why a text is not an NHS number, for the message that names the field.
    public enum Fault: Error, Sendable, Equatable {
        /// Not ten digits (after dropping 3-3-4 spaces or hyphens).
        case shape
        /// The first nine digits give a check value of 10: no valid number starts so.
        case checkValueTen
        /// The tenth digit is not the check digit of the first nine.
        case wrongCheckDigit
    }

    /// Parses `text`; nil when it is not a valid NHS number (`fault(of:)` says why).
    public init?(_ text: String) {
        guard case .success(let digits) = Self.parse(text) else { return nil }
        self.digits = digits
    }

    /// Why `text` is not a valid NHS number; nil when it is one.
    public static func fault(of text: String) -> Fault? {
        if case .failure(let fault) = Self.parse(text) { return fault }
        return nil
    }

    /// The 3-3-4 form people read: "943 476 5919".
    public var formatted: String {
        let characters = Array(self.digits)
        return String(characters[0..<3]) + " " + String(characters[3..<6]) + " "
            + String(characters[6..<10])
    }

    public var description: String { self.formatted }

    private static func parse(_ text: String) -> Result<String, Fault> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let bytes = Array(trimmed.utf8)
        let digits: [UInt8]
        if bytes.count == 10 {
            digits = bytes
        } else if bytes.count == 12, bytes[3] == bytes[7],
            bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
        {
            digits = Array(bytes[0..<3] + bytes[4..<7] + bytes[8..<12])
        } else {
            return .failure(.shape)
        }
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return .failure(.shape)
        }

        let values = digits.map { Int($0 - UInt8(ascii: "0")) }
        var sum = 0
        for (index, value) in values.prefix(9).enumerated() {
            sum += value * (10 - index)
        }
        let check = 11 - sum % 11
        if check == 10 { return .failure(.checkValueTen) }
        guard (check == 11 ? 0 : check) == values[9] else { return .failure(.wrongCheckDigit) }
        return .success(String(decoding: digits, as: UTF8.self))
    }
}
