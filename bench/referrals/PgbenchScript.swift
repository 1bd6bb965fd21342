import Foundation

/// Turns the statements one real request issued into a pgbench script that does the same
/// work as a fresh request, not a replay: the statement texts are the code's own, byte for
/// byte; the values that must change per request become pgbench variables; every other
/// value is passed as the captured constant (`-D`), still as a parameter, so the server sees
/// the same prepared statements with the same parameters as the API's.
///
/// What varies per transaction, as on the HTTP side: the client's user and session digest
/// (read once per client from `bench.clients`), the Idempotency-Key (`:serial`), the NHS
/// number (`:nhs`: a new patient's, or a known one's drawn from the pool), and the patient
/// and referral ids, taken with `\gset` from the statements that return them. The stored
/// answer (`response_body`, `record_path`) and the audit row's request id keep the captured
/// text: the same length and work, though not the new ids. NULL parameters are written as
/// NULL in the text, since a pgbench variable cannot be NULL.
struct PgbenchScript {
    /// The values of the captured requests that stand for what varies.
    struct Varying {
        let tokenDigest: String
        let user: String
        let key: String
        let nhsNumber: String
        let patient: String
        let referral: String
    }

    private(set) var constants: [(name: String, value: String)] = []
    private var constantNames: [String: String] = [:]

    /// The whole script: per-client set-up, the draw of a known or new patient, then the
    /// captured statements of a known patient's request or of a new one's.
    mutating func render(
        known: [LoggedStatement], knownValues: Varying,
        new: [LoggedStatement], newValues: Varying
    ) throws -> String {
        """
        -- The statements of POST /api/v1/referrals as the API issued them (captured from
        -- the server's statement log), for a known patient and for a new one.
        \\set seq :seq + 1
        \\set serial :first + :client_id * :per_client + :seq - 1
        \\if :seq = 1
        SELECT user_id, token_hash FROM bench.clients WHERE client_id = :client_id \\gset
        \\endif
        \\set known random(1, 100) <= :known_percent
        \\if :known
        \\set n random(0, :patients - 1)
        \\else
        \\set n :serial
        \\endif
        \(PatientPool.pgbenchExpressions)
        \\if :known
        \(try self.statements(known, knownValues))
        \\else
        \(try self.statements(new, newValues))
        \\endif

        """
    }

    /// The statements with their parameters as variables. BEGIN travels in one pipeline
    /// with the statement after it, as the Postgres module sends it (one round trip).
    private mutating func statements(
        _ statements: [LoggedStatement], _ values: Varying
    ) throws -> String {
        let patientSource = try Self.source(
            of: values.patient, table: "portal.patients", statements)
        let referralSource = try Self.source(
            of: values.referral, table: "portal.referrals", statements)

        var lines: [String] = []
        var index = 0
        while index < statements.count {
            let statement = statements[index]
            let isBegin = statement.sql.uppercased().hasPrefix("BEGIN")
            if isBegin && index + 1 < statements.count { lines.append("\\startpipeline") }

            var text = try self.substituted(statement, values)
            switch index {
            case patientSource: text += " \\gset p_"
            case referralSource: text += " \\gset r_"
            default: text += ";"
            }
            lines.append(text)

            if !isBegin && index > 0 && statements[index - 1].sql.uppercased().hasPrefix("BEGIN") {
                lines.append("\\endpipeline")
            }
            index += 1
        }
        return lines.joined(separator: "\n")
    }

    /// The statement that returns `value`: the last one naming `table` before the first
    /// statement that takes `value` as a parameter.
    private static func source(
        of value: String, table: String, _ statements: [LoggedStatement]
    ) throws -> Int {
        guard let firstUse = statements.firstIndex(where: { $0.parameters.contains(value) }),
            let source = statements[..<firstUse].lastIndex(where: { $0.sql.contains(table) })
        else {
            throw BenchFailure("no statement on \(table) returns \(value) before its first use")
        }
        return source
    }

    /// `$n` replaced by a variable, or NULL.
    private mutating func substituted(
        _ statement: LoggedStatement, _ values: Varying
    ) throws -> String {
        var text = statement.sql
        while text.hasSuffix(";") || text.hasSuffix("\n") || text.hasSuffix(" ") {
            text.removeLast()
        }
        // Highest first, so that $1 does not match the start of $12.
        for number in stride(from: statement.parameters.count, through: 1, by: -1) {
            let value = statement.parameters[number - 1]
            let replacement = value.map { self.variable(for: $0, values) } ?? "NULL"
            text = text.replacingOccurrences(of: "$\(number)", with: replacement)
        }
        guard !text.contains("$1") else {
            throw BenchFailure("a statement has parameters the log did not show: \(text)")
        }
        return text
    }

    private mutating func variable(for value: String, _ values: Varying) -> String {
        switch value {
        case values.tokenDigest: return ":token_hash"
        case values.user: return ":user_id"
        case values.key: return ":serial"
        case values.nhsNumber: return ":nhs"
        case values.patient: return ":p_id"
        case values.referral: return ":r_id"
        default:
            if let name = self.constantNames[value] { return ":\(name)" }
            let name = "c\(self.constants.count + 1)"
            self.constants.append((name, value))
            self.constantNames[value] = name
            return ":\(name)"
        }
    }
}
