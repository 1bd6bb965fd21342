import Foundation

/// Reads a postcode source file line by line into `PostcodeRecord`s. Both formats keep one
/// record a line, with fields that may be double-quoted but never hold a line break, so a
/// line is split on its own and a fault names its line.
public struct PostcodeFile {
    public let path: String
    public let source: PostcodeSource
    private var lines: FileLines
    private var lineNumber = 0
    private var onspd: ONSPDColumns?

    /// Opens the file; a file that cannot be opened is an error naming it.
    public init(path: String, source: PostcodeSource) throws(PostcodeImportError) {
        guard let lines = FileLines(path: path) else {
            throw PostcodeImportError(file: path, "cannot be read")
        }
        self.path = path
        self.source = source
        self.lines = lines
    }

    /// The next record in file order; nil at the end. A bad line throws, naming it.
    public mutating func next() throws(PostcodeImportError) -> PostcodeRecord? {
        while true {
            let read: ArraySlice<UInt8>?
            do {
                read = try self.lines.next()
            } catch {
                throw PostcodeImportError(file: self.path, "cannot be read: \(error)")
            }
            guard let line = read else { break }
            self.lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") }) { continue }

            do {
                let fields = try Self.fields(line)
                let record = try Self.record(
                    fields, source: self.source, line: self.lineNumber, &self.onspd)
                if let record { return record }
            } catch {
                throw PostcodeImportError(file: self.path, line: self.lineNumber, error.message)
            }
        }
        if self.source == .onspd, self.onspd == nil {
            throw PostcodeImportError(file: self.path, "is empty: no header row")
        }
        return nil
    }

    /// The record on a line; nil for a header.
    static func record(
        _ fields: [String], source: PostcodeSource, line: Int, _ onspd: inout ONSPDColumns?
    ) throws(PostcodeImportError) -> PostcodeRecord? {
        switch source {
        case .codePoint:
            if line == 1, fields.first?.lowercased() == "postcode" { return nil }
            return try CodePointRow.record(fields)
        case .onspd:
            guard let columns = onspd else {
                onspd = try ONSPDColumns(header: fields)
                return nil
            }
            return try columns.record(fields)
        }
    }

    /// Splits one line on commas; a field in double quotes may hold commas and doubled
    /// quotes.
    static func fields(_ line: ArraySlice<UInt8>) throws(PostcodeImportError) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var closed = false
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < line.endIndex, line[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                        closed = true
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                closed = false
            case UInt8(ascii: "\"") where field.isEmpty && !closed:
                quoted = true
            case UInt8(ascii: "\""):
                throw PostcodeImportError("a double quote inside a field that is not quoted")
            default:
                guard !closed else {
                    throw PostcodeImportError("text after the closing quote of a field")
                }
                field.append(byte)
            }
        }
        guard !quoted else { throw PostcodeImportError("a quoted field is not closed") }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }
}

/// Checks shared by both formats.
enum PostcodeFields {
    static func postcode(_ text: String) throws(PostcodeImportError) -> Postcode {
        guard let postcode = Postcode(text) else {
            throw PostcodeImportError("\"\(text.prefix(20))\" is not a UK postcode")
        }
        return postcode
    }

    /// A GSS code (a letter and eight digits: E92000001), or nil when empty.
    static func gssCode(_ text: String, _ name: String) throws(PostcodeImportError) -> String? {
        let code = text.trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty else { return nil }
        let bytes = Array(code.utf8)
        guard bytes.count == 9, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0]),
            bytes.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw PostcodeImportError("\(name) \"\(code.prefix(20))\" is not a GSS code")
        }
        return code
    }

    /// An area code of up to nine upper-case letters and digits, or nil when empty.
    static func areaCode(_ text: String, _ name: String) throws(PostcodeImportError) -> String? {
        let code = text.trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty else { return nil }
        guard code.utf8.count <= 9,
            code.utf8.allSatisfy({
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            })
        else {
            throw PostcodeImportError("\(name) \"\(code.prefix(20))\" is not an area code")
        }
        return code
    }

    /// Grid metres within the National Grid's extent, or nil for an empty field.
    static func grid(
        _ eastingsText: String, _ northingsText: String
    ) throws(PostcodeImportError) -> GridReference? {
        let eastingsText = eastingsText.trimmingCharacters(in: .whitespaces)
        let northingsText = northingsText.trimmingCharacters(in: .whitespaces)
        if eastingsText.isEmpty && northingsText.isEmpty { return nil }
        guard let eastings = Int(eastingsText), (0...700_000).contains(eastings) else {
            throw PostcodeImportError("eastings \"\(eastingsText.prefix(20))\" is not 0 to 700000")
        }
        guard let northings = Int(northingsText), (0...1_300_000).contains(northings) else {
            throw PostcodeImportError(
                "northings \"\(northingsText.prefix(20))\" is not 0 to 1300000")
        }
        return GridReference(eastings: Double(eastings), northings: Double(northings))
    }

    /// Whether a WGS84 position lies in the table's extent (the UK, Channel Islands and
    /// Isle of Man).
    static func isInExtent(_ point: GeoPoint) -> Bool {
        (49...61).contains(point.latitude) && (-9...2).contains(point.longitude)
    }
}
