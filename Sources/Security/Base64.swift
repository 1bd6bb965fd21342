/// Base64 (RFC 4648) in the standard and URL-safe alphabets, written without padding and
/// read strictly: any character outside the alphabet, or stray bits in the last symbol,
/// makes decoding return nil.
public enum Base64 {
    /// Which 64 symbols to use.
    public enum Alphabet: Sendable {
        /// `A–Z a–z 0–9 + /` (RFC 4648 section 4), as in PHC-style password hashes.
        case standard
        /// `A–Z a–z 0–9 - _` (RFC 4648 section 5), safe in URLs and cookies.
        case url

        var symbols: [UInt8] {
            switch self {
            case .standard:
                Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
            case .url:
                Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
            }
        }
    }

    /// `bytes` encoded without `=` padding.
    public static func encode(
        _ bytes: [UInt8], alphabet: Alphabet = .standard, padded: Bool = false
    ) -> String {
        let symbols = alphabet.symbols
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)

        var index = 0
        while index < bytes.count {
            let chunk = min(3, bytes.count - index)
            var group: UInt32 = 0
            for offset in 0..<3 {
                group <<= 8
                if offset < chunk {
                    group |= UInt32(bytes[index + offset])
                }
            }
            for position in 0..<(chunk + 1) {
                text.append(symbols[Int((group >> UInt32(18 - 6 * position)) & 0x3f)])
            }
            if padded {
                text.append(contentsOf: Array(repeating: UInt8(ascii: "="), count: 3 - chunk))
            }
            index += chunk
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it is not canonical unpadded Base64 in
    /// `alphabet`.
    public static func decode(_ text: String, alphabet: Alphabet = .standard) -> [UInt8]? {
        let symbols = alphabet.symbols
        var values = [UInt8](repeating: 0xff, count: 256)
        for (value, symbol) in symbols.enumerated() {
            values[Int(symbol)] = UInt8(value)
        }

        let input = Array(text.utf8)
        guard input.count % 4 != 1 else { return nil }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for symbol in input {
            let value = values[Int(symbol)]
            guard value != 0xff else { return nil }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((accumulator >> UInt32(bits)) & 0xff))
            }
        }
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return bytes
    }
}
