/// A client's `Accept-Encoding` (RFC 9110 §12.5.3), reduced to what this server can send:
/// gzip or the body as it is.
///
/// A pure value, parsed once a request: `gzip;q=0` refuses gzip, `*` stands for every
/// coding not named, `x-gzip` counts as gzip, names are case-insensitive, and an element
/// with a malformed weight is ignored.
public struct GzipAcceptEncoding: Sendable, Equatable {
    /// A body coding this server can produce.
    public enum Coding: Sendable, Equatable {
        case gzip
        case identity
    }

    /// gzip's weight, from its own element or from `*`; 0 when neither is present.
    public let gzipQuality: Double
    /// The body's weight as it is, when an `identity` or `*` element states it; nil when the
    /// header says nothing about it (it is then acceptable, at the lowest preference).
    public let identityQuality: Double?

    /// Parses the header's value; nil (no header) accepts only the body as it is.
    public init(_ header: String?) {
        guard let header else {
            self.gzipQuality = 0
            self.identityQuality = nil
            return
        }

        var gzip: Double?
        var identity: Double?
        var wildcard: Double?
        for element in header.split(separator: ",") {
            guard let (name, quality) = Self.parse(element) else { continue }
            switch name {
            case "gzip", "x-gzip": gzip = max(gzip ?? 0, quality)
            case "identity": identity = quality
            case "*": wildcard = quality
            default: continue
            }
        }
        self.gzipQuality = gzip ?? wildcard ?? 0
        self.identityQuality = identity ?? wildcard
    }

    /// The coding to send: gzip when the client weights it above zero and no lower than the
    /// body as it is, else the body as it is when allowed; nil when the client refused both.
    public var preferred: Coding? {
        if self.gzipQuality > 0, self.gzipQuality >= (self.identityQuality ?? 0) {
            return .gzip
        }
        if (self.identityQuality ?? 1) > 0 {
            return .identity
        }
        return nil
    }

    /// One list element: a lowercased coding name and its weight (1 when not given).
    private static func parse(_ element: Substring) -> (String, Double)? {
        let parts = element.split(separator: ";", omittingEmptySubsequences: false)
        let name = parts[0].trimmingSpaces().lowercased()
        guard !name.isEmpty else { return nil }

        var quality = 1.0
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "q" else { continue }
            guard let weight = Self.weight(pair[1].trimmingSpaces()) else { return nil }
            quality = weight
        }
        return (name, quality)
    }

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`
    private static func weight(_ text: Substring) -> Double? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1")
        else {
            return nil
        }
        guard bytes.count > 1 else { return first == UInt8(ascii: "1") ? 1 : 0 }

        let fraction = bytes.dropFirst(2)
        guard bytes[1] == UInt8(ascii: "."), fraction.count <= 3,
            fraction.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        if first == UInt8(ascii: "1") {
            return fraction.allSatisfy { $0 == UInt8(ascii: "0") } ? 1 : nil
        }
        return Double(String(decoding: bytes, as: UTF8.self))
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = self.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = self.lastIndex(where: { !isSpace($0) }) ?? start
        return self[start...end]
    }
}
