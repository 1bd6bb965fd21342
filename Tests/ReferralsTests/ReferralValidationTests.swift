import Foundation
import Testing

@testable import Referrals

/// The referral form's checks, without a database: the facts the transaction would read are
/// given by hand. Every bad field is named by its JSON pointer, all of them at once.
@Suite struct ReferralValidationTests {
    static let today = CalendarDate(year: 2026, month: 12, day: 4)!
    static let procedureID = UUID()
    static let siteID = UUID()

    static let mriWithContrast = ProcedureFacts(
        id: procedureID, name: "MRI liver with contrast", modality: .mri, contrast: .gadolinium,
        safetyQuestions: [.mri, .contrast])
    static let petCT = ProcedureFacts(
        id: procedureID, name: "PET-CT whole body FDG", modality: .petCT, contrast: .none,
        safetyQuestions: [.pet, .ionising])

    static func facts(
        _ procedure: ProcedureFacts? = mriWithContrast, postcodeKnown: Bool = true
    ) -> ReferralFacts {
        ReferralFacts(
            procedure: procedure, siteKnown: true, siteOffersProcedure: true,
            postcodeKnown: postcodeKnown, today: today)
    }

    static func patient() -> PatientForm {
        PatientForm(
            nhsNumber: "943 476 5919", givenName: "Siân", familyName: "O'Brien-Smith",
            dateOfBirth: "1961-03-14", statedGender: "2", phenotypicSex: "2",
            address: AddressForm(lines: ["1 High Street"], town: "Leeds", postcode: "ls1 4ap"),
            mobile: "07700 900123", email: "sian@example.com", gpPractice: "b86001")
    }

    static func mriSafety() -> SafetyForm {
        SafetyForm(
            mri: MRIAnswers(
                pacemakerOrICD: false, cochlearImplant: false, aneurysmClips: false,
                metalInEyes: false, otherImplants: false, claustrophobia: false),
            contrast: ContrastAnswers(egfr: 78, egfrDate: "2026-11-20", contrastAllergy: false))
    }

    static func form() -> ReferralForm {
        ReferralForm(
            patient: patient(), clinicalHistory: "Rising ALP; colorectal cancer 2024.",
            clinicalQuestion: "Liver metastases?", modality: "MRI",
            procedureID: procedureID.uuidString, urgency: "urgent",
            preferredSiteID: siteID.uuidString, safety: mriSafety())
    }

    static func pointers(
        _ form: ReferralForm, _ facts: ReferralFacts = facts()
    ) -> [String] {
        do {
            _ = try form.validated(facts: facts)
            return []
        } catch {
            return error.fields.map(\.pointer)
        }
    }

    @Test("a complete referral passes, normalised")
    func valid() throws {
        let valid = try Self.form().validated(facts: Self.facts())
        #expect(valid.patient.nhsNumber.digits == "9434765919")
        #expect(valid.patient.postcode.value == "LS1 4AP")
        #expect(valid.patient.mobile == "+447700900123")
        #expect(valid.patient.gpPractice == "B86001")
        #expect(valid.patient.givenName == "Siân")
        #expect(!valid.patient.lettersOnly)
        #expect(valid.urgency == .urgent && valid.modality == .mri)
        #expect(valid.reviewReasons.isEmpty)
        #expect(valid.referrerID == nil)
    }

    @Test("without a mobile or an e-mail the patient gets letters only")
    func lettersOnly() throws {
        var form = Self.form()
        form.patient?.mobile = nil
        form.patient?.email = " "
        let valid = try form.validated(facts: Self.facts())
        #expect(valid.patient.lettersOnly)
        #expect(valid.patient.email == nil)
    }

    @Test("an empty body names every required field")
    func empty() {
        #expect(
            Self.pointers(ReferralForm(), Self.facts(nil)) == [
                "/patient", "/clinicalHistory", "/clinicalQuestion", "/modality", "/urgency",
                "/procedureID", "/preferredSiteID",
            ])
        var form = Self.form()
        form.patient = PatientForm()
        #expect(
            Self.pointers(form) == [
                "/patient/nhsNumber", "/patient/givenName", "/patient/familyName",
                "/patient/dateOfBirth", "/patient/statedGender", "/patient/address",
                "/patient/gpPractice",
            ])
    }

    @Test("wrong patient fields are named one by one")
    func patientFields() {
        var form = Self.form()
        form.patient = PatientForm(
            nhsNumber: "943 476 5918", givenName: "R2D2",
            familyName: String(repeating: "a", count: 101),
            dateOfBirth: "1961-02-30", statedGender: "F", phenotypicSex: "X",
            address: AddressForm(lines: [], town: "", postcode: "LS1"),
            mobile: "0113 496 0000", email: "no-at-sign", gpPractice: "RJ1")
        #expect(
            Self.pointers(form) == [
                "/patient/nhsNumber", "/patient/givenName", "/patient/familyName",
                "/patient/dateOfBirth", "/patient/statedGender", "/patient/phenotypicSex",
                "/patient/address/lines", "/patient/address/town", "/patient/address/postcode",
                "/patient/mobile", "/patient/email", "/patient/gpPractice",
            ])
        form.patient = Self.patient()
        form.patient?.address?.lines = ["1 High Street", "", String(repeating: "x", count: 101)]
        #expect(Self.pointers(form) == ["/patient/address/lines/1", "/patient/address/lines/2"])
    }

    @Test("NHS numbers: a wrong check digit and check value 10 are told apart")
    func nhsNumbers() throws {
        var form = Self.form()
        for (text, phrase) in [
            ("9434765918", "check digit is wrong"), ("1234567890", "check value: 10"),
            ("943476591", "must be 10 digits"),
        ] {
            form.patient?.nhsNumber = text
            let error = #expect(throws: ReferralsError.self) {
                try form.validated(facts: Self.facts())
            }
            #expect(error?.fields.first?.pointer == "/patient/nhsNumber")
            #expect(error?.fields.first?.message.contains(phrase) == true, "\(text)")
        }
    }

    @Test("a date of birth must be in the past and give an age of at most 130")
    func dateOfBirth() {
        var form = Self.form()
        for (text, ok) in [
            ("2026-12-04", false), ("2027-01-01", false), ("2026-12-03", true),
            ("1895-12-05", true), ("1895-12-04", false), ("1850-01-01", false),
            ("04/12/1960", false),
        ] {
            form.patient?.dateOfBirth = text
            #expect(Self.pointers(form) == (ok ? [] : ["/patient/dateOfBirth"]), "\(text)")
        }
    }

    @Test("a postcode must be shaped like one, in any UK format, and be in the table")
    func postcodes() {
        var form = Self.form()
        for text in ["M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "gir0aa"] {
            form.patient?.address?.postcode = text
            #expect(Self.pointers(form).isEmpty, "\(text)")
        }
        for text in ["SW1A", "SW1A 1CA", "1AA 1AA", "SW1A-1AA"] {
            form.patient?.address?.postcode = text
            let error = #expect(throws: ReferralsError.self) {
                try form.validated(facts: Self.facts())
            }
            #expect(error?.fields.map(\.pointer) == ["/patient/address/postcode"], "\(text)")
            #expect(error?.fields.first?.message.contains("must be a UK postcode") == true)
        }
        form.patient?.address?.postcode = "ZZ99 9ZZ"
        let error = #expect(throws: ReferralsError.self) {
            try form.validated(facts: Self.facts(postcodeKnown: false))
        }
        #expect(error?.fields.first?.message == "is not a known UK postcode")
    }

    @Test("the procedure must exist, be active and match the modality; the site must offer it")
    func procedureAndSite() {
        var form = Self.form()
        #expect(Self.pointers(form, Self.facts(nil)) == ["/procedureID"])
        var withdrawn = Self.mriWithContrast
        withdrawn.active = false
        #expect(Self.pointers(form, Self.facts(withdrawn)) == ["/procedureID"])
        form.modality = "CT"
        #expect(Self.pointers(form) == ["/modality"])
        form.modality = "MRI"
        form.urgency = "asap"
        form.procedureID = "42"
        form.preferredSiteID = nil
        #expect(Self.pointers(form) == ["/urgency", "/procedureID", "/preferredSiteID"])

        form = Self.form()
        var facts = Self.facts()
        facts.siteOffersProcedure = false
        let error = #expect(throws: ReferralsError.self) { try form.validated(facts: facts) }
        #expect(error?.fields.map(\.message) == ["does not offer this procedure"])
        facts.siteKnown = false
        #expect(Self.pointers(form, facts) == ["/preferredSiteID"])
        form.referrerID = "someone"
        #expect(Self.pointers(form) == ["/referrerID"])
    }

    @Test("clinical history and question are required and bounded")
    func clinical() {
        var form = Self.form()
        form.clinicalHistory = "  "
        form.clinicalQuestion = String(repeating: "?", count: 1001)
        #expect(Self.pointers(form) == ["/clinicalHistory", "/clinicalQuestion"])
    }

    @Test("the groups the procedure asks must be answered, fully, and no others")
    func safetyGroups() {
        var form = Self.form()
        form.safety = SafetyForm(mri: MRIAnswers(), pet: PETAnswers(diabetes: "none"))
        #expect(
            Self.pointers(form) == [
                "/safety/contrast", "/safety/pet", "/safety/mri/pacemakerOrICD",
                "/safety/mri/cochlearImplant", "/safety/mri/aneurysmClips",
                "/safety/mri/metalInEyes", "/safety/mri/otherImplants",
                "/safety/mri/claustrophobia",
            ])
        form.safety = nil
        #expect(Self.pointers(form) == ["/safety/mri", "/safety/contrast"])
    }

    @Test("a gap in the catalogue's questions cannot skip ionising or contrast questions")
    func requiredQuestions() {
        let ct = ProcedureFacts(
            id: UUID(), name: "CT chest", modality: .ct, contrast: .iodinated, safetyQuestions: [])
        #expect(ct.requiredQuestions == [.contrast, .ionising])
        #expect(Self.petCT.requiredQuestions == [.pet, .ionising])
    }

    @Test("dependent answers: device, implant details, glucose, treatment dates, justification")
    func dependentAnswers() {
        var form = Self.form()
        form.safety?.mri?.pacemakerOrICD = true
        form.safety?.mri?.otherImplants = true
        form.safety?.contrast = ContrastAnswers(egfr: 250, egfrDate: "2027-01-01")
        #expect(
            Self.pointers(form) == [
                "/safety/mri/deviceMRConditional", "/safety/mri/otherImplantsDetails",
                "/safety/contrast/egfr", "/safety/contrast/egfrDate",
                "/safety/contrast/contrastAllergy",
            ])

        form = Self.form()
        form.modality = "PET-CT"
        form.safety = SafetyForm(
            pet: PETAnswers(
                diabetes: "tablets", weightKg: 0, canLieFlat: true, recentChemotherapy: true,
                recentRadiotherapy: false, lastRadiotherapyDate: "2026-01-01"),
            ionising: IonisingAnswers(
                pregnancy: "not_pregnant", breastfeeding: false, pregnancyJustification: "x"))
        #expect(
            Self.pointers(form, Self.facts(Self.petCT)) == [
                "/safety/pet/bloodGlucose", "/safety/pet/weightKg",
                "/safety/pet/lastChemotherapyDate", "/safety/pet/lastRadiotherapyDate",
                "/safety/ionising/pregnancyJustification",
            ])
    }
}
