/// Percent-decoding of path segments (RFC 3986 §2.1) for route parameters and file paths.
enum PercentDecoding {
    /// The decoded text, or nil when a `%` is not followed by two hex digits, the bytes are
    /// not UTF-8, or they contain NUL. `+` stays `+`: that rule belongs to forms, not paths.
    static func decode(_ encoded: Substring) -> String? {
        var text = encoded
        return text.withUTF8 { Self.decode($0) }
    }

    /// Decodes UTF-8 bytes; see ``decode(_:)-(Substring)``.
    static func decode(_ encoded: UnsafeBufferPointer<UInt8>) -> String? {
        guard encoded.contains(UInt8(ascii: "%")) else {
            guard !encoded.contains(0) else { return nil }
            return String(validating: encoded, as: UTF8.self)
        }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var iterator = encoded.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue),
                let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }

        guard !bytes.contains(0) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
