import Foundation
import Postgres
import Testing

/// Tries SELECT, UPDATE, DELETE and INSERT on one table as portal_app, each in a
/// transaction of its own that is rolled back, with a given tenant setting.
struct TableProbe {
    let table: RowLevelSecurityTests.TableFacts
    let connection: PostgresConnection
    /// The tenant whose rows must stay out of reach.
    let victim: UUID
    /// One of the victim's rows as JSON (read by the superuser), to try inserting again.
    let rowOfVictim: String

    var victimKey: String { self.victim.uuidString.lowercased() }
    var name: String { "portal.\(self.table.name)" }
    var key: String { "\"\(self.table.keyColumn)\"" }

    /// BEGIN, the setting (if any), `statement`, ROLLBACK.
    func attempt(
        _ setting: String?, _ statement: PostgresQuery
    ) async -> Result<PostgresRows, PostgresError> {
        do throws(PostgresError) {
            _ = try await self.connection.query("BEGIN")
            if let setting {
                _ = try await self.connection.query(
                    "SELECT set_config('portal.tenant_id', \(setting), true)")
            }
            let rows = try await self.connection.query(statement)
            _ = try await self.connection.query("ROLLBACK")
            return .success(rows)
        } catch {
            _ = try? await self.connection.query("ROLLBACK")
            return .failure(error)
        }
    }

    var select: PostgresQuery {
        PostgresQuery(
            unsafeSQL: "SELECT count(*) FROM \(self.name) WHERE \(self.key) = $1::uuid",
            binds: self.victimBinds)
    }

    var update: PostgresQuery? {
        guard let column = self.table.updatableColumn else { return nil }
        return PostgresQuery(
            unsafeSQL: "UPDATE \(self.name) SET \"\(column)\" = \"\(column)\" "
                + "WHERE \(self.key) = $1::uuid",
            binds: self.victimBinds)
    }

    var delete: PostgresQuery {
        PostgresQuery(
            unsafeSQL: "DELETE FROM \(self.name) WHERE \(self.key) = $1::uuid",
            binds: self.victimBinds)
    }

    /// Re-inserts the victim's row: the key column and every column portal_app may insert.
    var insert: PostgresQuery {
        var columns = self.table.insertableColumns
        if !columns.contains(self.table.keyColumn) {
            columns.insert(self.table.keyColumn, at: 0)
        }
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        var binds = PostgresBindings()
        binds.append(self.rowOfVictim)
        return PostgresQuery(
            unsafeSQL: "INSERT INTO \(self.name) (\(list)) SELECT \(list) FROM "
                + "json_populate_record(NULL::\(self.name), $1::json)",
            binds: binds)
    }

    private var victimBinds: PostgresBindings {
        var binds = PostgresBindings()
        binds.append(self.victimKey)
        return binds
    }

    /// The control: with the victim's own tenant set, what portal_app is granted works, so
    /// that the confinement checks below cannot pass for want of rows or of a valid statement.
    func expectVisible(setting: String) async throws {
        if self.table.appMaySelect {
            let rows = try await self.attempt(setting, self.select).get()
            let count = try rows[0].decode(Int64.self, at: 0)
            #expect(count >= 1, "\(self.name): own rows not visible")
        }
        if let update = self.update {
            let rows = try await self.attempt(setting, update).get()
            #expect(rows.affectedRows >= 1, "\(self.name): own rows not updatable")
        }
        if self.table.appMayDelete {
            switch await self.attempt(setting, self.delete) {
            case .success(let rows):
                #expect(rows.affectedRows >= 1, "\(self.name): own rows not deletable")
            case .failure(let error):
                // Still referenced: the row was found, which is what the control needs.
                #expect(error.sqlState == "23503", "\(self.name): \(error)")
            }
        }
    }

    /// With `setting`, nothing of the victim's rows is read, changed, deleted or inserted.
    func expectConfined(setting: String?, label: String, malformed: Bool) async throws {
        let context = "\(self.name) with the tenant setting \(label)"

        let selected = await self.attempt(setting, self.select)
        if self.table.appMaySelect {
            Self.expectNothing(selected, malformed: malformed, context: "SELECT on \(context)") {
                try $0[0].decode(Int64.self, at: 0)
            }
        } else {
            Self.expectRefused(selected, context: "SELECT on \(context)")
        }

        if let update = self.update {
            let updated = await self.attempt(setting, update)
            Self.expectNothing(updated, malformed: malformed, context: "UPDATE on \(context)") {
                Int64($0.affectedRows)
            }
        } else {
            let updated = await self.attempt(
                setting,
                PostgresQuery(
                    unsafeSQL: "UPDATE \(self.name) SET \(self.key) = \(self.key) "
                        + "WHERE \(self.key) = $1::uuid",
                    binds: self.victimBinds))
            Self.expectRefused(updated, context: "UPDATE on \(context)")
        }

        let deleted = await self.attempt(setting, self.delete)
        if self.table.appMayDelete {
            Self.expectNothing(deleted, malformed: malformed, context: "DELETE on \(context)") {
                Int64($0.affectedRows)
            }
        } else {
            Self.expectRefused(deleted, context: "DELETE on \(context)")
        }

        let inserted = await self.attempt(setting, self.insert)
        switch inserted {
        case .success:
            Issue.record("INSERT of the other tenant's row succeeded on \(context)")
        case .failure(let error):
            let allowed = malformed ? ["42501", "22P02"] : ["42501"]
            #expect(allowed.contains(error.sqlState ?? ""), "INSERT on \(context): \(error)")
        }
    }

    /// The statement ran and touched no row, or (malformed setting) failed on the setting.
    static func expectNothing(
        _ result: Result<PostgresRows, PostgresError>, malformed: Bool, context: String,
        _ count: (PostgresRows) throws -> Int64
    ) {
        switch result {
        case .success(let rows):
            #expect((try? count(rows)) == 0, "\(context) reached the other tenant's rows")
        case .failure(let error):
            #expect(malformed && error.sqlState == "22P02", "\(context): \(error)")
        }
    }

    /// The statement was refused for want of privilege.
    static func expectRefused(_ result: Result<PostgresRows, PostgresError>, context: String) {
        switch result {
        case .success:
            Issue.record("\(context) was allowed; portal_app holds no such privilege")
        case .failure(let error):
            #expect(error.sqlState == "42501", "\(context): \(error)")
        }
    }
}
