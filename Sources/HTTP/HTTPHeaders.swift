/// Header fields in the order they were received or added, looked up without regard to
/// the case of their names (RFC 9110 §5.1).
///
/// Repeated names are kept as separate fields, so `Set-Cookie` and the smuggling checks on
/// duplicate `Content-Length` see exactly what was sent.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Field = (name: String, value: String)

    private var fields: [Field]

    public init() {
        self.fields = []
    }

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { self.fields.count }
    public var isEmpty: Bool { self.fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> {
        self.fields.makeIterator()
    }

    /// The first value sent under `name`, or nil.
    public subscript(name: String) -> String? {
        for field in self.fields where Self.sameName(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value sent under `name`, in order.
    public func values(for name: String) -> [String] {
        self.fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        self.fields.contains { Self.sameName($0.name, name) }
    }

    /// Adds a field after the existing ones, keeping any of the same name.
    public mutating func add(_ name: String, _ value: String) {
        self.fields.append((name: name, value: value))
    }

    /// Sets `name` to `value` alone: the first field of that name is replaced in place and
    /// the others removed; if there was none, the field is added at the end.
    public mutating func replaceOrAdd(_ name: String, _ value: String) {
        guard let first = self.fields.firstIndex(where: { Self.sameName($0.name, name) }) else {
            self.fields.append((name: name, value: value))
            return
        }

        self.fields[first].value = value
        var index = self.fields.count - 1
        while index > first {
            if Self.sameName(self.fields[index].name, name) {
                self.fields.remove(at: index)
            }
            index -= 1
        }
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        self.fields.removeAll { Self.sameName($0.name, name) }
    }

    /// True when a comma-separated value of `name` contains `token`, ignoring case
    /// (`Connection: keep-alive, Upgrade` contains `upgrade`).
    public func hasToken(_ token: String, in name: String) -> Bool {
        for field in self.fields where Self.sameName(field.name, name) {
            for part in field.value.utf8.split(separator: UInt8(ascii: ",")) {
                let trimmed = part.drop { $0 == 0x20 || $0 == 0x09 }
                var end = trimmed.endIndex
                while end > trimmed.startIndex, trimmed[trimmed.index(before: end)] == 0x20 {
                    end = trimmed.index(before: end)
                }
                if Self.asciiCaseInsensitiveEqual(trimmed[..<end], token.utf8) { return true }
            }
        }
        return false
    }

    /// Compares two header names as HTTP does: ASCII letters without regard to case.
    public static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        Self.asciiCaseInsensitiveEqual(lhs.utf8, rhs.utf8)
    }

    static func asciiCaseInsensitiveEqual<L: Collection<UInt8>, R: Collection<UInt8>>(
        _ lhs: L, _ rhs: R
    ) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (left, right) in zip(lhs, rhs) where left != right {
            guard left | 0x20 == right | 0x20, (left | 0x20) >= 0x61, (left | 0x20) <= 0x7A else {
                return false
            }
        }
        return true
    }
}

extension HTTPHeaders {
    /// Writes the fields as `Name: value\r\n` lines into `buffer`.
    public func write(into buffer: inout [UInt8]) {
        for field in self.fields {
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(UInt8(ascii: ":"))
            buffer.append(UInt8(ascii: " "))
            buffer.append(contentsOf: field.value.utf8)
            buffer.append(0x0D)
            buffer.append(0x0A)
        }
    }
}
