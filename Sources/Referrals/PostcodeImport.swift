import Foundation
import Postgres

/// Loads postcode files into `reference.postcodes` on an operator's connection (a
/// superuser or a member of portal_owner), all files in one transaction: every line is
/// checked, a bad line stops the import and nothing of it is kept.
///
/// Rows are upserted by postcode in batches (one multi-row INSERT ... SELECT FROM unnest
/// a batch). Postcodes absent from the files stay: a terminated postcode still places the
/// addresses that used it. Area codes a source does not carry (trimmed Code-Point Open
/// has none) keep the values an earlier import gave them.
public struct PostcodeImport: Sendable {
    public let source: PostcodeSource
    /// The year of the data release, printed in the attribution.
    public let dataYear: Int
    /// Rows per INSERT.
    public var batchSize = 5000

    public init(source: PostcodeSource, dataYear: Int) {
        self.source = source
        self.dataYear = dataYear
    }

    /// Imports `paths` in order; returns the number of rows written. When a postcode
    /// appears more than once, the last line wins.
    public func run(
        _ paths: [String], on connection: PostgresConnection
    ) async throws(PostcodeImportError) -> Int {
        try await Self.database("begin the import") {
            _ = try await connection.query("BEGIN")
            _ = try await connection.query("SET LOCAL ROLE portal_owner")
            _ = try await connection.query(self.sourceRow(count: 0))
        }

        var written = 0
        do {
            for path in paths {
                var file = try PostcodeFile(path: path, source: self.source)
                var batch = PostcodeBatch()
                while let record = try file.next() {
                    batch.add(record)
                    if batch.count >= self.batchSize {
                        written += try await self.write(batch, on: connection)
                        batch = PostcodeBatch()
                    }
                }
                written += try await self.write(batch, on: connection)
            }
            let count = written
            try await Self.database("record the source") {
                _ = try await connection.query(self.sourceRow(count: count))
                let end = try await connection.query("COMMIT")
                guard end.commandTag == "COMMIT" else {
                    throw PostgresError(code: .server, message: "the server rolled back")
                }
            }
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
        return written
    }

    private func write(
        _ batch: PostcodeBatch, on connection: PostgresConnection
    ) async throws(PostcodeImportError) -> Int {
        guard batch.count > 0 else { return 0 }
        let query = batch.upsert(source: self.source)
        let rows = try await Self.database("write postcodes") {
            try await connection.query(query)
        }
        return rows.affectedRows
    }

    /// The source's row with its licence and attribution, inserted or replaced.
    private func sourceRow(count: Int) -> PostgresQuery {
        let attribution = PostcodeBatch.arrayLiteral(self.source.attribution(year: self.dataYear))
        return """
            INSERT INTO reference.postcode_sources
                (source, title, licence, licence_url, attribution, postcodes, imported_at)
            VALUES (\(self.source.rawValue), \(self.source.title), \(PostcodeSource.licence),
                    \(PostcodeSource.licenceURL), \(attribution)::text[], \(count), now())
            ON CONFLICT (source) DO UPDATE SET
                title = EXCLUDED.title, licence = EXCLUDED.licence,
                licence_url = EXCLUDED.licence_url, attribution = EXCLUDED.attribution,
                postcodes = EXCLUDED.postcodes, imported_at = EXCLUDED.imported_at
            """
    }

    /// Runs database work, turning its failure into an import error saying what failed.
    static func database<Value>(
        _ what: String, _ body: () async throws -> Value
    ) async throws(PostcodeImportError) -> Value {
        do {
            return try await body()
        } catch let error as PostgresError {
            throw PostcodeImportError("could not \(what): \(error.message)")
        } catch {
            throw PostcodeImportError("could not \(what): \(error)")
        }
    }
}
