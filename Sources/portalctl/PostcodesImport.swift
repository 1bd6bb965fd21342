import Foundation
import Postgres
import Referrals

/// `portalctl import postcodes [--format codepoint|onspd] [--data-year YEAR] FILE...`:
/// every postcode of the files, upserted in one transaction.
enum PostcodesImport {
    static let kind = ImportCommand.Kind(
        name: "postcodes",
        summary: "UK postcodes with their positions, for every tenant (Code-Point Open or "
            + "ONSPD CSV; several files load together)",
        perTenant: false,
        options: [
            (
                "format",
                "--format FORMAT     postcodes: codepoint (Code-Point Open, no header; "
                    + "default) or onspd"
            ),
            (
                "data-year",
                "--data-year YEAR    postcodes: the release's year, for the "
                    + "attribution (default: this year)"
            ),
        ],
        manyFiles: true,
        load: { request, connection in
            try await PostcodesImport.load(request, connection: connection)
        }
    )

    static func load(
        _ request: ImportCommand.Request, connection: PostgresConnection
    ) async throws -> String {
        let format = request.options["format"] ?? PostcodeSource.codePoint.rawValue
        guard let source = PostcodeSource(rawValue: format) else {
            throw UsageError("--format must be codepoint or onspd")
        }
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
        var year = thisYear
        if let text = request.options["data-year"] {
            guard let given = Int(text), (1990...thisYear).contains(given) else {
                throw UsageError("--data-year must be a year from 1990 to \(thisYear)")
            }
            year = given
        }

        let started = Date()
        let written = try await PostcodeImport(source: source, dataYear: year).run(
            request.files, on: connection)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        return "postcodes: \(written) written from \(request.files.count) file(s) in \(seconds) s"
    }
}
