/// Reads CSV as RFC 4180 describes it: fields separated by commas, records by CRLF or LF,
/// a field in double quotes may hold commas, line breaks and doubled quotes (`""`).
///
/// Also accepts a UTF-8 byte order mark and a missing final line break. A quote inside an
/// unquoted field, text after a closing quote and a quoted field left open are errors that
/// name their line.
public enum CSVReader {
    /// Splits `text` into records; blank lines between records are skipped.
    public static func records(_ text: String) throws(ProcedureCatalogueError) -> [CSVRecord] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" {
            scalars = scalars.dropFirst()
        }

        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoted = false
        var closedQuote = false
        var index = scalars.startIndex

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            closedQuote = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields = []
        }

        while index < scalars.endIndex {
            let scalar = scalars[index]
            index = scalars.index(after: index)
            if quoted {
                if scalar == "\"" {
                    if index < scalars.endIndex, scalars[index] == "\"" {
                        field.append("\"")
                        index = scalars.index(after: index)
                    } else {
                        quoted = false
                        closedQuote = true
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }

            switch scalar {
            case ",":
                endField()
            case "\r" where index < scalars.endIndex && scalars[index] == "\n":
                break
            case "\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !closedQuote else {
                    throw ProcedureCatalogueError.file(
                        line: line, "a double quote inside a field that is not quoted")
                }
                quoted = true
            default:
                guard !closedQuote else {
                    throw ProcedureCatalogueError.file(
                        line: line, "text after the closing quote of a field")
                }
                field.append(scalar)
            }
        }
        guard !quoted else {
            throw ProcedureCatalogueError.file(
                line: recordLine, "a quoted field is not closed before the end of the file")
        }
        if !field.isEmpty || !fields.isEmpty || closedQuote {
            endRecord()
        }
        return records
    }
}
