/// The transactions in a statement log: per backend, each run from BEGIN to COMMIT, in the
/// order they committed.
enum Transactions {
    static func of(_ statements: [LoggedStatement]) -> [[LoggedStatement]] {
        var open: [String: [LoggedStatement]] = [:]
        var done: [[LoggedStatement]] = []
        for statement in statements {
            let sql = statement.sql.uppercased()
            if sql.hasPrefix("BEGIN") {
                open[statement.backend] = [statement]
            } else if sql.hasPrefix("COMMIT"), var transaction = open[statement.backend] {
                transaction.append(statement)
                done.append(transaction)
                open[statement.backend] = nil
            } else {
                open[statement.backend]?.append(statement)
            }
        }
        return done
    }
}
