import Foundation
import Referrals

/// `portalctl import postcodes [--format codepoint|onspd] [--data-year YEAR] FILE...`.
enum PostcodesImport {
    static let kind = ImportCommand.Kind(
        name: "postcodes",
        summary: "UK postcodes with their positions",
        usage: """
            usage: portalctl import postcodes [--format codepoint|onspd] [--data-year YEAR]
                                              [--database-url URL] FILE...

              --format codepoint  Ordnance Survey Code-Point Open CSV, no header (default)
              --format onspd      ONS Postcode Directory CSV, with its header row
              --data-year YEAR    the release's year, for the attribution (default: this year)
              --database-url URL  libpq URL or conninfo of the deployer (a superuser or a
                                  member of portal_owner) (default: $PORTAL_DB_URL)

            Upserts every postcode of the files in one transaction; a bad line stops the
            import, names its file and line, and nothing is kept.
            """,
        options: ["format", "data-year"],
        run: { parsed, environment in
            try await PostcodesImport.run(parsed, environment: environment)
        }
    )

    static func run(
        _ parsed: ParsedArguments, environment: [String: String]
    ) async throws -> Int32 {
        let format = parsed.options["format"] ?? PostcodeSource.codePoint.rawValue
        guard let source = PostcodeSource(rawValue: format) else {
            throw UsageError("--format must be codepoint or onspd")
        }
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
        var year = thisYear
        if let text = parsed.options["data-year"] {
            guard let given = Int(text), (1990...thisYear).contains(given) else {
                throw UsageError("--data-year must be a year from 1990 to \(thisYear)")
            }
            year = given
        }
        guard !parsed.positionals.isEmpty else {
            throw UsageError("no file to import")
        }
        let url = try ImportCommand.databaseURL(parsed, environment)

        let started = Date()
        let written = try await ImportCommand.withConnection(
            url: url, environment: environment, application: "portalctl import postcodes"
        ) { connection in
            try await PostcodeImport(source: source, dataYear: year).run(
                parsed.positionals, on: connection)
        }
        let seconds = Date().timeIntervalSince(started)
        Console.out(
            "imported \(written) postcode(s) from \(parsed.positionals.count) file(s) in "
                + String(format: "%.1f", seconds) + " s")
        return ExitStatus.success
    }
}
