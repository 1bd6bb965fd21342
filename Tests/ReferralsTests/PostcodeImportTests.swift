import Foundation
import PortalTesting
import Postgres
import Testing

@testable import Referrals

@Suite struct PostcodeImportTests {
    static func importing(
        _ paths: [String], _ source: PostcodeSource = .codePoint, into database: MigratedDatabase,
        batchSize: Int = 5000
    ) async throws -> Int {
        try await database.withConnection(as: TestCluster.superuser) { connection in
            var importer = PostcodeImport(source: source, dataYear: 2025)
            importer.batchSize = batchSize
            return try await importer.run(paths, on: connection)
        }
    }

    @Test("the repository's Code-Point Open sample loads, in batches, with its attribution")
    func sample() async throws {
        let database = try await MigratedDatabase.migrated()
        let lines = try String(contentsOfFile: SitesFiles.codePointSample, encoding: .utf8)
            .split(whereSeparator: \.isNewline).count
        let written = try await Self.importing(
            [SitesFiles.codePointSample], into: database, batchSize: 7)
        #expect(written == lines)
        #expect(try await database.psql("SELECT count(*) FROM reference.postcodes") == "\(lines)")

        // OSTN15 puts EH16 4SA at 55.921754 N 3.135940 W; within 10 m (0.0001° is 11 m).
        let edinburgh = try await database.psql(
            "SELECT round(latitude::numeric, 4), round(longitude::numeric, 4) "
                + "FROM reference.postcodes WHERE postcode = 'EH16 4SA'")
        #expect(edinburgh == "55.9218|-3.1359" || edinburgh == "55.9217|-3.1359")
        let sources = try await database.psql(
            "SELECT source, postcodes, array_to_string(attribution, ' / ') "
                + "FROM reference.postcode_sources")
        #expect(sources.hasPrefix("codepoint|\(lines)|Contains OS data © Crown copyright"))
        #expect(sources.contains("Royal Mail copyright and database right 2025"))

        // Importing again changes values in place and adds nothing.
        let again = try await Self.importing([SitesFiles.codePointSample], into: database)
        #expect(again == lines)
        #expect(try await database.psql("SELECT count(*) FROM reference.postcodes") == "\(lines)")
    }

    @Test("a bad line in any file stops the import, names the line, and nothing is kept")
    func badLine() async throws {
        let database = try await MigratedDatabase.migrated()
        let good = try SitesFiles.temporary("LS1 4AP,10,429363,433330\n")
        let bad = try SitesFiles.temporary(
            "LS2 9JT,10,429512,434722\nYO1 7HH,10,460335\n", name: "bad.csv")
        await #expect {
            _ = try await Self.importing([good, bad], into: database, batchSize: 1)
        } throws: { error in
            let error = error as? PostcodeImportError
            return error?.line == 2 && error?.file == bad
                && error?.description.hasSuffix(
                    "bad.csv:2: has 3 fields; Code-Point Open has 10 "
                        + "(or 4 when trimmed)") == true
        }
        #expect(try await database.psql("SELECT count(*) FROM reference.postcodes") == "0")
        #expect(try await database.psql("SELECT count(*) FROM reference.postcode_sources") == "0")
    }

    @Test("ONSPD over Code-Point Open keeps area codes; the API role may only read")
    func onspdAndAccess() async throws {
        let database = try await MigratedDatabase.migrated()
        _ = try await Self.importing([SitesFiles.codePointSample], into: database)
        let onspd = try SitesFiles.temporary(PostcodeFileTests.onspd)
        #expect(try await Self.importing([onspd], .onspd, into: database) == 4)
        let leeds = try await database.psql(
            "SELECT source, icb_code, eastings, terminated_on FROM reference.postcodes "
                + "WHERE postcode = 'LS1 4AP'")
        #expect(leeds == "onspd|E54000054|429363|")
        #expect(
            try await database.psql(
                "SELECT count(*) FROM reference.postcodes WHERE postcode = 'AB1 0AA' "
                    + "AND latitude IS NULL AND terminated_on = '1996-06-01'") == "1")

        try await database.withConnection(as: "portal_app") { connection in
            let rows = try await connection.query(
                "SELECT latitude FROM reference.postcodes WHERE postcode = 'LS1 4AP'")
            #expect(rows.count == 1)
            for statement in [
                "DELETE FROM reference.postcodes",
                "UPDATE reference.postcodes SET latitude = 50",
                "INSERT INTO reference.postcode_sources VALUES ('onspd','t','l','https://x',"
                    + "'{a}', 0, now())",
            ] {
                await #expect(throws: PostgresError.self) {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement))
                }
            }
        }
    }
}
