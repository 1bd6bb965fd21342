import Foundation

/// A pgbench script made from the statements one request ran, as the server logged them:
/// the same SQL text in the same transactions, each parameter a pgbench variable. Values
/// that were the same in two captured requests are constants (`-D` definitions; SQL NULL,
/// which pgbench cannot send, is written as NULL in its place); values that differed are
/// the request's own: its idempotency key and NHS number (drawn afresh by pgbench) and the
/// patient and referral ids (read back with `\gset` from the statements that return them).
struct PgbenchScript {
    var text = ""
    var definitions: [(String, String)] = []

    /// `variables` maps a variable name to its value in the first and in the second request.
    init(
        first: [LoggedStatement], second: [LoggedStatement],
        variables: [(name: String, first: String, second: String)], patients: Int
    ) throws {
        guard first.count == second.count,
            zip(first, second).allSatisfy({ $0.sql == $1.sql })
        else {
            throw BenchFailure("the two captured requests ran different statements")
        }
        self.text =
            "\\set nhs 9000000000 + random(1, \(patients))\n"
            + "\\set key random(1, 1000000000000000)\n"
        for (index, (one, two)) in zip(first, second).enumerated() {
            var sql = one.sql
            for position in stride(from: one.parameters.count, through: 1, by: -1) {
                let value = one.parameters[position - 1]
                let other = two.parameters[position - 1]
                let replacement: String
                if let value, value != other,
                    let variable = variables.first(where: {
                        $0.first == value && $0.second == other
                    })
                {
                    replacement = ":\(variable.name)"
                } else if let value {
                    let name = "c\(index)_\(position)"
                    self.definitions.append((name, value))
                    replacement = ":\(name)"
                } else {
                    replacement = "NULL"
                }
                sql = Self.replacing("$\(position)", with: replacement, in: sql)
            }
            if sql.contains("INSERT INTO portal.referrals") && sql.contains("RETURNING id") {
                self.text += sql + "\n\\gset r_\n"
            } else if sql.contains("FROM portal.patients") && sql.contains("WHERE nhs_number") {
                self.text += sql + "\n\\gset p_\n"
            } else {
                self.text += sql + ";\n"
            }
        }
    }

    /// Replaces the placeholder `$n` (not `$n` followed by another digit).
    static func replacing(_ placeholder: String, with text: String, in sql: String) -> String {
        var result = ""
        var rest = Substring(sql)
        while let range = rest.range(of: placeholder) {
            result += rest[..<range.lowerBound]
            if let next = rest[range.upperBound...].first, next.isNumber {
                result += placeholder
            } else {
                result += text
            }
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
