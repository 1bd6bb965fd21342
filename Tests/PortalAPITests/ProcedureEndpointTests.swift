import Foundation
import Postgres
import Referrals
import Telemetry
import Testing

extension PortalAPISuites {
    /// `GET /api/v1/procedures` over HTTP, with the 51 real procedures in the tenant's
    /// catalogue.
    @Suite("Procedure search endpoint")
    struct ProcedureEndpointTests {
        /// Loads the repository's real catalogue into the harness's first tenant, as
        /// `portalctl import procedures` does.
        static func seed(_ harness: PortalHarness) async throws {
            let path = URL(fileURLWithPath: PortalHarness.migrations).deletingLastPathComponent()
                .appendingPathComponent("data/procedure-catalogue.csv").path
            let file = try ProcedureCatalogueFile.load(path: path)
            let configuration = PostgresConfiguration(
                connectionString: harness.cluster.connectionString(database: harness.database),
                connectTimeout: .seconds(10))
            let connection = try await PostgresConnection.connect(
                configuration, on: harness.group.loops[0],
                logger: Logger(label: "seed", level: .warning))
            do {
                _ = try await ProcedureImporter.load(
                    file, tenant: harness.tenant, connection: connection)
                await connection.close()
            } catch {
                await connection.close()
                throw error
            }
        }

        @Test("words, misspellings, codes and the modality filter; each result says what applies")
        func search() async throws {
            try await PortalHarness.with { harness in
                try await Self.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()

                let knee = try await referrer.get("/api/v1/procedures?q=mri+kne")
                #expect(knee.status == 200, "\(knee.text)")
                let items = try #require(knee.json["items"] as? [[String: Any]])
                let first = try #require(items.first)
                #expect(first["snomedCTID"] as? String == "241641004")
                #expect(first["nicipCodes"] as? [String] == ["MKNEB"])
                #expect(first["name"] as? String == "Magnetic resonance imaging of knee")
                #expect(first["modality"] as? String == "MRI")
                #expect(first["contrast"] as? String == "none")
                #expect(first["safetyQuestions"] as? [String] == ["mri"])
                #expect(first["pairingDerived"] as? Bool == true)
                #expect(first["exactCode"] as? Bool == false)
                let document = try await OpenAPITests.document(harness)
                let schemas =
                    (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
                let procedure = schemas?["Procedure"] as? [String: Any]
                let documented = procedure?["properties"] as? [String: Any] ?? [:]
                #expect(Set(first.keys) == Set(documented.keys))

                let pet = try await referrer.get("/api/v1/procedures?q=pet%20ct%20whole%20bdy")
                let petFirst = (pet.json["items"] as? [[String: Any]])?.first
                #expect(petFirst?["modality"] as? String == "PET-CT")
                #expect(petFirst?["safetyQuestions"] as? [String] == ["pet", "ionising"])

                let code = try await referrer.get("/api/v1/procedures?q=CCHESC")
                let coded = try #require(code.json["items"] as? [[String: Any]])
                #expect(coded.count == 1)
                #expect(coded.first?["snomedCTID"] as? String == "75385009")
                #expect(coded.first?["contrast"] as? String == "iodinated")
                #expect(coded.first?["safetyQuestions"] as? [String] == ["contrast", "ionising"])
                #expect(coded.first?["exactCode"] as? Bool == true)

                let filtered = try await referrer.get("/api/v1/procedures?q=knee&modality=US")
                let ultrasound = filtered.json["items"] as? [[String: Any]]
                #expect(ultrasound?.map { $0["snomedCTID"] as? String } == ["241504009"])
                let limited = try await referrer.get("/api/v1/procedures?q=ct&limit=2")
                #expect((limited.json["items"] as? [[String: Any]])?.count == 2)

                let other = try await harness.signIn(
                    harness.otherAdmin.email, host: PortalHarness.otherHost)
                let foreign = try await other.authenticated().get("/api/v1/procedures?q=mri")
                #expect(foreign.status == 200)
                #expect((foreign.json["items"] as? [[String: Any]])?.isEmpty == true)
            }
        }

        @Test("bad queries are 400 naming the parameter; signing in is required")
        func refusals() async throws {
            try await PortalHarness.with { harness in
                try await Self.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                let cases: [(String, [String])] = [
                    ("", ["q"]), ("?q=", ["q"]), ("?q=%20%20", ["q"]), ("?q=of+the", ["q"]),
                    ("?q=\(String(repeating: "a", count: 201))", ["q"]), ("?q=%zz", ["q"]),
                    ("?q=mri&limit=0", ["limit"]), ("?q=mri&limit=51", ["limit"]),
                    ("?q=mri&limit=ten", ["limit"]), ("?q=mri&modality=MRX", ["modality"]),
                    ("?q=mri&q=ct", ["q"]), ("?q=mri&sort=name", ["sort"]),
                ]
                for (query, fields) in cases {
                    let answer = try await referrer.get("/api/v1/procedures\(query)")
                    #expect(answer.status == 400, "\(query)")
                    #expect(answer.fieldPointers == fields, "\(query): \(answer.text)")
                    #expect(answer.header("Content-Type") == "application/problem+json")
                }

                let anonymous = try await harness.client().get("/api/v1/procedures?q=mri")
                #expect(anonymous.status == 401)
            }
        }
    }
}
