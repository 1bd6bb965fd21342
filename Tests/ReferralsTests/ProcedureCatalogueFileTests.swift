import Foundation
import Testing

@testable import Referrals

@Suite struct ProcedureCatalogueFileTests {
    static let header =
        "nicip_codes,snomed_ct_id,snomed_display,modality,body_site,contrast,"
        + "nicip_snomed_pairing_source,display_source,confidence"

    @Test("the real catalogue reads as 51 procedures with contrast and safety questions derived")
    func realFile() throws {
        let file = try ProcedureCatalogueFile.load(path: CatalogueDatabase.realCatalogue)
        #expect(file.entries.count == 51)
        let byID = Dictionary(uniqueKeysWithValues: file.entries.map { ($0.snomedCTID.value, $0) })

        let knee = try #require(byID["241641004"])
        #expect(knee.name == "Magnetic resonance imaging of knee")
        #expect(knee.modality == .mri && knee.contrast == .none)
        #expect(knee.safetyQuestions == [.mri])
        #expect(knee.nicipCodes == ["MKNEB"])
        #expect(knee.synonyms.contains("MRI") && knee.synonyms.contains("MRI knee"))

        let ctChest = try #require(byID["75385009"])
        #expect(ctChest.contrast == .iodinated)
        #expect(ctChest.safetyQuestions == [.contrast, .ionising])
        #expect(ctChest.nicipCodes == ["CCHESC", "CHRCHC"])
        #expect(ctChest.synonyms.contains("chest"))

        let mriPelvis = try #require(byID["433138001"])
        #expect(mriPelvis.contrast == .gadolinium)
        #expect(mriPelvis.safetyQuestions == [.mri, .contrast])

        let fdg = try #require(byID["443271005"])
        #expect(fdg.modality == .petCT && fdg.modalityLabel == "PET-CT (FDG)")
        #expect(fdg.safetyQuestions == [.pet, .ionising])
        #expect(fdg.synonyms.contains("PET/CT FDG imaging of whole body"))
        #expect(!fdg.name.contains("[DICOM"))

        #expect(byID["241617002"]?.name == "MRI axilla")
        #expect(byID["45036003"]?.safetyQuestions == [])
        #expect(file.entries.allSatisfy { $0.pairingDerived })
        #expect(file.entries.allSatisfy { $0.sources?.contains("dids-on-fhir") == true })
    }

    @Test("optional columns: the file's synonyms, safety questions and pairing are used")
    func optionalColumns() throws {
        let text = """
            \(Self.header),synonyms,safety_questions,pairing_derived
            MKNEB,241641004,Magnetic resonance imaging of knee (procedure),MRI,knee,,a,b,c,\
            knee scan|kneecap MRI,mri|ionising,false
            """
        let entry = try #require(try ProcedureCatalogueFile(csv: text).entries.first)
        #expect(entry.name == "Magnetic resonance imaging of knee")
        #expect(entry.synonyms.contains("kneecap MRI"))
        #expect(entry.safetyQuestions == [.mri, .ionising])
        #expect(!entry.pairingDerived)
    }

    @Test("every problem is listed with its line and column")
    func problems() throws {
        let text = """
            \(Self.header)
            MKNEB,241641005,Knee MRI,MRI,knee,,a,b,c
            MHIPB,241639000,Hip MRI,MRX,hip,,a,b,c
            "MKNEB|bad code",241633004,Shoulder MRI,MRI,shoulder,,a,b,c
            UABDO,241639000,"Abdomen
            US",US,abdomen,with contrast,a,b,c
            XCHES,399208008,Chest X-ray,XR,chest,,a,b
            """
        let error = try #require(throws: ProcedureCatalogueError.self) {
            try ProcedureCatalogueFile(csv: text)
        }
        #expect(error.code == .invalidFile)
        let found = error.issues.map { "\($0.line) \($0.column ?? "-")" }
        #expect(
            found == [
                "2 snomed_ct_id", "3 modality", "4 nicip_codes", "4 nicip_codes", "5 snomed_ct_id",
                "5 contrast", "7 -",
            ], "\(error)")
        #expect(error.issues[2].message.contains("MKNEB is already on line 2"))
        #expect(error.issues[4].message.contains("already on line 3"))
    }

    @Test("a header with a missing, unknown or repeated column is refused")
    func header() throws {
        let text =
            "nicip_codes,snomed_ct_id,snomed_display,modality,body_site,contrast,"
            + "display_source,confidence,synonym,modality\n"
        let error = try #require(throws: ProcedureCatalogueError.self) {
            try ProcedureCatalogueFile(csv: text)
        }
        let messages = error.issues.map(\.message)
        #expect(messages.contains("unknown column \"synonym\""))
        #expect(messages.contains("column \"modality\" appears twice"))
        #expect(messages.contains("missing column \"nicip_snomed_pairing_source\""))
    }

    @Test("an empty file and a header alone are refused")
    func empty() {
        #expect(throws: ProcedureCatalogueError.self) { try ProcedureCatalogueFile(csv: "") }
        #expect(throws: ProcedureCatalogueError.self) {
            try ProcedureCatalogueFile(csv: Self.header + "\n")
        }
    }
}
