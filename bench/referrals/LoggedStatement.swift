import Foundation

/// One statement portal_app ran, as the server logged it with `log_statement = 'all'`: the
/// backend, the SQL text, and the parameter values (`nil` for SQL NULL).
struct LoggedStatement: Equatable {
    let backend: String
    let sql: String
    var parameters: [String?] = []

    /// The statements of `role` in the log text, in order. A log entry starts with the
    /// cluster's prefix (`%m [%p] %q%u@%d `); lines without it continue the entry before.
    static func parse(_ log: String, role: String) -> [LoggedStatement] {
        var entries: [(backend: String, text: String)] = []
        for line in log.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = line.firstIndex(of: "["), line.first?.isNumber == true,
                let close = line[open...].firstIndex(of: "]")
            {
                let backend = String(line[line.index(after: open)..<close])
                entries.append((backend, String(line[line.index(after: close)...])))
            } else if !entries.isEmpty {
                entries[entries.count - 1].text += "\n" + line
            }
        }

        var statements: [LoggedStatement] = []
        for (backend, text) in entries {
            let body = text.drop { $0 == " " }
            guard body.hasPrefix("\(role)@") else { continue }
            if let range = body.range(of: "LOG:  statement: ") {
                statements.append(.init(backend: backend, sql: String(body[range.upperBound...])))
            } else if let range = body.range(of: "LOG:  execute "),
                let colon = body[range.upperBound...].range(of: ": ")
            {
                statements.append(.init(backend: backend, sql: String(body[colon.upperBound...])))
            } else if let range = body.range(of: "DETAIL:  Parameters: ")
                ?? body.range(of: "DETAIL:  parameters: "),
                let last = statements.lastIndex(where: { $0.backend == backend })
            {
                statements[last].parameters = Self.parameters(String(body[range.upperBound...]))
            }
        }
        return statements
    }

    /// `$1 = 'a''b', $2 = NULL` as `["a'b", nil]`.
    static func parameters(_ text: String) -> [String?] {
        var values: [String?] = []
        var characters = Array(text)[...]
        while let dollar = characters.firstIndex(of: "$") {
            characters = characters[dollar...]
            guard let equals = characters.firstIndex(of: "=") else { break }
            characters = characters[(equals + 1)...].drop { $0 == " " }
            if characters.starts(with: "NULL") {
                values.append(nil)
                characters = characters.dropFirst(4)
                continue
            }
            guard characters.first == "'" else { break }
            characters = characters.dropFirst()
            var value = ""
            while let character = characters.first {
                characters = characters.dropFirst()
                if character == "'" {
                    if characters.first == "'" {
                        value.append("'")
                        characters = characters.dropFirst()
                        continue
                    }
                    break
                }
                value.append(character)
            }
            values.append(value)
        }
        return values
    }
}
