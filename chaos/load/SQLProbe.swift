import CPostgres
import Foundation

/// A blocking libpq connection to one PostgreSQL node as the superuser, for the watcher's
/// samples and the final checks. It reconnects on the next query after a failure; short
/// connect and TCP timeouts keep a dead or cut-off node from stalling the caller.
final class SQLProbe {
    let port: Int
    private let conninfo: String
    private var connection: OpaquePointer?

    /// A probe of 127.0.0.1:`port`, database `database`.
    init(port: Int, database: String = "portal", user: String = "postgres") {
        self.port = port
        self.conninfo =
            "host=127.0.0.1 port=\(port) dbname=\(database) user=\(user) connect_timeout=1 "
            + "tcp_user_timeout=1000 keepalives_idle=1 keepalives_interval=1 keepalives_count=1 "
            + "application_name=chaos-probe"
    }

    deinit { self.disconnect() }

    /// The rows of `sql` as text (NULL as nil), or the error.
    func rows(_ sql: String) -> Result<[[String?]], ChaosError> {
        if self.connection == nil || PQstatus(self.connection) != CONNECTION_OK {
            self.disconnect()
            let connection = PQconnectdb(self.conninfo)
            guard PQstatus(connection) == CONNECTION_OK else {
                let message = Self.message(connection)
                PQfinish(connection)
                return .failure(ChaosError(.database, "port \(self.port): \(message)"))
            }
            self.connection = connection
        }
        guard let result = PQexec(self.connection, sql) else {
            let message = Self.message(self.connection)
            self.disconnect()
            return .failure(ChaosError(.database, "port \(self.port): \(message)"))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            let message = String(cString: PQresultErrorMessage(result))
            if PQstatus(self.connection) != CONNECTION_OK { self.disconnect() }
            return .failure(
                ChaosError(
                    .database,
                    "port \(self.port): \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
                ))
        }
        var rows: [[String?]] = []
        for row in 0..<PQntuples(result) {
            rows.append(
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) == 1
                        ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return .success(rows)
    }

    func disconnect() {
        if let connection = self.connection { PQfinish(connection) }
        self.connection = nil
    }

    private static func message(_ connection: OpaquePointer?) -> String {
        guard let connection, let text = PQerrorMessage(connection) else { return "no connection" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
