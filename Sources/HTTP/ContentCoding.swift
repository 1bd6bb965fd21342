/// Reading `Accept-Encoding` (RFC 9110 §12.5.3) for the one coding the server produces.
enum ContentCoding {
    /// True when `gzip` (or `x-gzip`, or `*` without a gzip entry) has a non-zero weight.
    static func acceptsGzip(_ headers: HTTPHeaders) -> Bool {
        var gzipWeight: Bool?
        var anyWeight: Bool?
        for value in headers.values(for: "Accept-Encoding") {
            for item in Array(value.utf8).split(separator: UInt8(ascii: ",")) {
                let parts = item.split(separator: UInt8(ascii: ";"), maxSplits: 1)
                guard let first = parts.first else { continue }
                let coding = Self.trimmed(first)
                let accepted = parts.count < 2 || !Self.isZeroWeight(parts[1])
                if HTTPHeaders.asciiCaseInsensitiveEqual(coding, "gzip".utf8)
                    || HTTPHeaders.asciiCaseInsensitiveEqual(coding, "x-gzip".utf8)
                {
                    gzipWeight = accepted
                } else if coding.elementsEqual("*".utf8) {
                    anyWeight = accepted
                }
            }
        }
        return gzipWeight ?? anyWeight ?? false
    }

    /// True for `q=0`, `q=0.0`, `q=0.000` (with optional spaces).
    private static func isZeroWeight(_ parameter: ArraySlice<UInt8>) -> Bool {
        let text = Self.trimmed(parameter)
        guard text.count >= 3, text.first == UInt8(ascii: "q") || text.first == UInt8(ascii: "Q") else {
            return false
        }
        let value = Self.trimmed(text.dropFirst().drop { $0 == 0x20 }.dropFirst())
        guard value.first == UInt8(ascii: "0") else { return false }
        return value.dropFirst().allSatisfy { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "0") }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes.drop { $0 == 0x20 || $0 == 0x09 }
        while let last = slice.last, last == 0x20 || last == 0x09 {
            slice = slice.dropLast()
        }
        return slice
    }

    /// Media types that are compressed already, where gzip would spend time for nothing.
    static func isCompressible(_ headers: HTTPHeaders) -> Bool {
        guard let type = headers["Content-Type"]?.lowercased() else { return true }
        if type.hasPrefix("image/svg") { return true }
        let compressed = ["image/", "video/", "audio/", "application/zip", "application/gzip", "font/woff"]
        return !compressed.contains { type.hasPrefix($0) }
    }
}
