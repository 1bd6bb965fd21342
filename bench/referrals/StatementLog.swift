import Foundation

/// Statements as PostgreSQL logged them with `log_statement = 'all'`: the text the server
/// executed and the parameter values it was given (`DETAIL:  parameters: $1 = '...'`),
/// read from the server's log between two offsets.
struct LoggedStatement: Equatable {
    var sql: String
    /// `$1` is index 0; nil is SQL NULL.
    var parameters: [String?] = []
}

enum StatementLog {
    /// The log's size now, to read what is written after it.
    static func offset(_ path: String) -> UInt64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The statements `user` ran between `start` and `end`, in order.
    static func statements(
        in path: String, from start: UInt64, to end: UInt64, user: String
    ) throws -> [LoggedStatement] {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw BenchFailure("cannot read the server log \(path)")
        }
        defer { try? file.close() }
        try file.seek(toOffset: start)
        let data = try file.read(upToCount: Int(end - start)) ?? Data()
        let text = String(decoding: data, as: UTF8.self)

        var statements: [LoggedStatement] = []
        for entry in Self.entries(text) where entry.user == user {
            if let sql = Self.executed(entry.message) {
                statements.append(LoggedStatement(sql: sql))
            } else if entry.message.hasPrefix("DETAIL:  parameters: "), !statements.isEmpty {
                let list = entry.message.dropFirst("DETAIL:  parameters: ".count)
                statements[statements.count - 1].parameters = try Self.parameters(String(list))
            }
        }
        return statements
    }

    /// Log entries: a line starting with the prefix `2026-01-01 00:00:00.000 UTC [pid] `
    /// (TestCluster's log_line_prefix `%m [%p] %q%u@%d `) and the lines up to the next one.
    private static func entries(_ text: String) -> [(user: String, message: String)] {
        var entries: [(user: String, message: String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let (user, message) = Self.prefixed(line) {
                entries.append((user, message))
            } else if !entries.isEmpty {
                entries[entries.count - 1].message += "\n" + line
            }
        }
        return entries
    }

    private static func prefixed(_ line: Substring) -> (String, String)? {
        let bytes = Array(line.utf8.prefix(24))
        guard bytes.count == 24, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20,
            bytes[13] == 0x3A, bytes[19] == 0x2E,
            line.firstIndex(of: "[") != nil, let close = line.firstIndex(of: "]")
        else { return nil }
        let rest = line[line.index(after: close)...].dropFirst()
        guard let at = rest.firstIndex(of: "@"), let space = rest.firstIndex(of: " ") else {
            return ("", String(rest))
        }
        guard at < space else { return ("", String(rest)) }
        return (String(rest[..<at]), String(rest[rest.index(after: space)...]))
    }

    /// The statement of `LOG:  execute NAME: SQL` or `LOG:  statement: SQL`.
    private static func executed(_ message: String) -> String? {
        if message.hasPrefix("LOG:  statement: ") {
            return String(message.dropFirst("LOG:  statement: ".count))
        }
        guard message.hasPrefix("LOG:  execute "),
            let colon = message.range(
                of: ": ",
                range:
                    message.index(message.startIndex, offsetBy: 14)..<message.endIndex)
        else { return nil }
        return String(message[colon.upperBound...])
    }

    /// `$1 = 'text', $2 = NULL, ...`, with quotes inside values doubled.
    static func parameters(_ list: String) throws -> [String?] {
        var values: [String?] = []
        var characters = Substring(list)
        while !characters.isEmpty {
            guard characters.hasPrefix("$"),
                let equals = characters.range(of: " = ")
            else { throw BenchFailure("unreadable parameter list: \(list.prefix(200))") }
            guard
                Int(characters[characters.index(after: characters.startIndex)..<equals.lowerBound])
                    == values.count + 1
            else { throw BenchFailure("parameters out of order: \(list.prefix(200))") }
            characters = characters[equals.upperBound...]

            if characters.hasPrefix("NULL") {
                values.append(nil)
                characters = characters.dropFirst(4)
            } else if characters.hasPrefix("'") {
                var value = ""
                var index = characters.index(after: characters.startIndex)
                while true {
                    guard index < characters.endIndex else {
                        throw BenchFailure("unterminated parameter: \(list.prefix(200))")
                    }
                    let character = characters[index]
                    index = characters.index(after: index)
                    if character == "'" {
                        if index < characters.endIndex, characters[index] == "'" {
                            value.append("'")
                            index = characters.index(after: index)
                            continue
                        }
                        break
                    }
                    value.append(character)
                }
                values.append(value)
                characters = characters[index...]
            } else {
                throw BenchFailure("unreadable parameter value: \(characters.prefix(100))")
            }
            if characters.hasPrefix(", ") { characters = characters.dropFirst(2) }
        }
        return values
    }
}
