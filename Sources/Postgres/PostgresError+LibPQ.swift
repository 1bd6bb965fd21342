import CPostgres

extension PostgresError {
    /// The error a failed result carries, with the fields `PQresultErrorField` reports.
    /// SQLSTATE 57014 becomes `cancelled` when the caller asked for it and `timeout`
    /// otherwise; a terminated session (57P01 to 57P03) becomes `connectionClosed`.
    init(result: OpaquePointer, host: String?, cancelRequested: Bool = false) {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else {
                return nil
            }
            return String(cString: value)
        }

        let sqlState = field("C")
        let message =
            field("M")
            ?? PQresultErrorMessage(result).map { Self.trimmed(String(cString: $0)) }
            ?? "the server reported an error without a message"
        self.init(
            code: Self.code(for: sqlState, cancelRequested: cancelRequested), message: message,
            sqlState: sqlState, detail: field("D"), hint: field("H"), host: host)
        self.constraint = field("n")
        self.schema = field("s")
        self.table = field("t")
        self.column = field("c")
    }

    /// The error libpq left on the connection (`PQerrorMessage`), under `code`.
    init(code: Code, connection: OpaquePointer?, fallback: String, host: String?) {
        var message = fallback
        if let connection, let text = PQerrorMessage(connection) {
            let trimmed = Self.trimmed(String(cString: text))
            if !trimmed.isEmpty { message = trimmed }
        }
        self.init(code: code, message: message, host: host)
    }

    private static func code(for sqlState: String?, cancelRequested: Bool) -> Code {
        switch sqlState {
        case "57014": cancelRequested ? .cancelled : .timeout
        case "57P01", "57P02", "57P03": .connectionClosed
        case let state? where state.hasPrefix("08"): .connectionClosed
        default: .server
        }
    }

    /// libpq's messages end with a newline and may span several lines.
    static func trimmed(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        lines = lines.map { $0.drop(while: { $0 == " " || $0 == "\t" }) }
        return lines.joined(separator: "; ")
    }
}
