import Foundation
import Tenancy
import Testing

@testable import Referrals

/// Search over the 51 real procedures: codes, words, misspellings, modality and limits.
@Suite("Procedure search", .timeLimit(.minutes(2)))
struct ProcedureSearchTests {
    func search(
        _ catalogue: ProcedureCatalogue, _ tenant: TenantID, _ text: String,
        modality: Modality? = nil, limit: Int? = nil
    ) async throws -> [ProcedureMatch] {
        try await catalogue.search(
            ProcedureSearch(text: text, modality: modality, limit: limit), tenant: tenant)
    }

    @Test("ranking and misspellings find the intended procedure first")
    func ranking() async throws {
        let (database, tenant, _) = try await CatalogueDatabase.withRealCatalogue()
        try await database.withCatalogue { catalogue in
            let firsts: [(String, String)] = [
                ("mri knee", "241641004"), ("mri kne", "241641004"), ("knee mri", "241641004"),
                ("magnetic resonance knee", "241641004"), ("MRI of the knee", "241641004"),
                ("ct chest", "169069000"), ("computed tomography chest", "169069000"),
                ("ultrsound pelvis", "24848001"), ("transvaginal", "429915000"),
                ("echocardiogram", "433236007"), ("dexa", "241686001"),
                ("bone density", "241686001"), ("mrcp", "314635004"),
                ("x-ray chest", "399208008"), ("ultrasound thyroid", "241455000"),
                ("ct colonography", "418714002"), ("cardiac mri", "241620005"),
            ]
            for (text, expected) in firsts {
                let found = try await self.search(catalogue, tenant, text)
                #expect(
                    found.first?.snomedCTID == expected,
                    "\(text): \(found.prefix(3).map { "\($0.snomedCTID) \($0.name)" })")
            }

            let pet = try await self.search(catalogue, tenant, "pet ct whole bdy")
            #expect(pet.count >= 3)
            #expect(
                pet.prefix(3).allSatisfy { $0.modality == .petCT && $0.bodySite.contains("whole") },
                "\(pet.prefix(3).map(\.name))")
        }
    }

    @Test("a SNOMED CT id or NICIP code gives that procedure alone")
    func codes() async throws {
        let (database, tenant, _) = try await CatalogueDatabase.withRealCatalogue()
        try await database.withCatalogue { catalogue in
            for (code, expected) in [
                ("241641004", "241641004"), ("MKNEB", "241641004"), ("mkneb", "241641004"),
                ("UKNEL", "241504009"), ("CHRCHC", "75385009"),
                ("427031000119100", "427031000119100"),
            ] {
                let found = try await self.search(catalogue, tenant, code)
                #expect(found.map(\.snomedCTID) == [expected], "\(code)")
                #expect(found.first?.exactCode == true)
            }
            let knee = try #require(try await self.search(catalogue, tenant, "MKNEB").first)
            #expect(knee.nicipCodes == ["MKNEB"] && knee.modality == .mri)
            #expect(knee.safetyQuestions == [.mri] && knee.contrast == .none && knee.pairingDerived)
            #expect(try await self.search(catalogue, tenant, "999999999").isEmpty)
        }
    }

    @Test("the modality filter, limits, other tenants and withdrawn procedures")
    func filters() async throws {
        let (database, tenant, other) = try await CatalogueDatabase.withRealCatalogue()
        try await database.withCatalogue { catalogue in
            let knees = try await self.search(catalogue, tenant, "knee")
            #expect(Set(knees.prefix(2).map(\.snomedCTID)) == ["241641004", "241504009"])
            let ultrasound = try await self.search(catalogue, tenant, "knee", modality: .ultrasound)
            #expect(ultrasound.map(\.snomedCTID) == ["241504009"])
            #expect(try await self.search(catalogue, tenant, "mri", limit: 3).count == 3)
            let everyMRI = try await self.search(catalogue, tenant, "mri")
            #expect(everyMRI.count == 19 && everyMRI.allSatisfy { $0.modality == .mri })
            let contrast = try await self.search(
                catalogue, tenant, "ct with contrast", modality: .ct)
            #expect(contrast.first?.contrast == .iodinated)
            #expect(try await self.search(catalogue, other, "mri knee").isEmpty)

            try await database.psql(
                "UPDATE portal.procedures SET active = false WHERE snomed_ct_id = '241641004';")
            let afterwards = try await self.search(catalogue, tenant, "mri knee")
            #expect(!afterwards.contains { $0.snomedCTID == "241641004" })
        }
    }

    @Test("empty, over-long, control characters, stop words alone and bad limits are refused")
    func refusals() {
        let cases: [(String, Int?, String)] = [
            ("", nil, "q"), ("   ", nil, "q"), (String(repeating: "a", count: 201), nil, "q"),
            ("mri\u{0}knee", nil, "q"), ("of the", nil, "q"), ("x", nil, "q"),
            ("a b c d e f g h i j", nil, "q"), ("mri", 0, "limit"), ("mri", 51, "limit"),
            ("one two three four five six seven eight nine", nil, "q"),
        ]
        for (text, limit, field) in cases {
            #expect(
                throws: ProcedureCatalogueError.self, "\(text.prefix(20)) \(limit ?? 0)"
            ) {
                try ProcedureSearch(text: text, limit: limit)
            }
            let error = try? #require(throws: ProcedureCatalogueError.self) {
                try ProcedureSearch(text: text, limit: limit)
            }
            #expect(error?.field == field)
        }
        #expect((try? ProcedureSearch(text: "mri")).map(\.limit) == ProcedureSearch.defaultLimit)
    }

    @Test("misspelt words are widened to catalogue words within an edit or two")
    func vocabulary() {
        let vocabulary = ProcedureVocabulary([
            "knee", "body", "ultrasound", "pelvis", "pelvic", "mri", "dynamic", "chest",
        ])
        #expect(vocabulary.alternatives(for: "kne").corrections.isEmpty)
        #expect(vocabulary.alternatives(for: "bdy").corrections.first == "body")
        #expect(vocabulary.alternatives(for: "ultrsound").corrections == ["ultrasound"])
        #expect(vocabulary.alternatives(for: "ultrsou").corrections == ["ultrasound"])
        #expect(vocabulary.alternatives(for: "chset").corrections == ["chest"])
        #expect(vocabulary.alternatives(for: "pelvsi").corrections.contains("pelvis"))
        #expect(vocabulary.alternatives(for: "zzzz").corrections.isEmpty)
        #expect(vocabulary.alternatives(for: "12345").corrections.isEmpty)
    }
}
