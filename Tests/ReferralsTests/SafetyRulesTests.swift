import Foundation
import Testing

@testable import Referrals

/// The safety rules on valid answers: fine, review with a reason, or stop.
@Suite struct SafetyRulesTests {
    static let today = ReferralValidationTests.today

    static func petForm(_ pet: PETAnswers, _ ionising: IonisingAnswers? = nil) -> ReferralForm {
        var form = ReferralValidationTests.form()
        form.modality = "PET-CT"
        form.safety = SafetyForm(
            pet: pet,
            ionising: ionising ?? IonisingAnswers(pregnancy: "not_applicable", breastfeeding: false)
        )
        return form
    }

    static let calmPET = PETAnswers(
        diabetes: "none", bloodGlucose: 5.4, weightKg: 82, canLieFlat: true,
        recentChemotherapy: false, recentRadiotherapy: false)

    static func outcome(
        _ form: ReferralForm, _ procedure: ProcedureFacts = ReferralValidationTests.mriWithContrast,
        thresholds: SafetyThresholds = .init()
    ) throws -> [String] {
        var facts = ReferralValidationTests.facts(procedure)
        facts.thresholds = thresholds
        return try form.validated(facts: facts).reviewReasons.map(\.code)
    }

    static func stops(_ form: ReferralForm, _ procedure: ProcedureFacts) -> [String] {
        do {
            _ = try form.validated(facts: ReferralValidationTests.facts(procedure))
            return []
        } catch {
            #expect(error.code == .stopped)
            return error.fields.map(\.pointer)
        }
    }

    @Test("a pacemaker stops MRI unless it is MR-conditional, which goes to review")
    func pacemaker() throws {
        var form = ReferralValidationTests.form()
        form.safety?.mri?.pacemakerOrICD = true
        form.safety?.mri?.deviceMRConditional = false
        #expect(
            Self.stops(form, ReferralValidationTests.mriWithContrast) == [
                "/safety/mri/pacemakerOrICD"
            ])
        form.safety?.mri?.deviceMRConditional = true
        #expect(try Self.outcome(form) == ["mr_conditional_device"])
    }

    @Test("MRI answers that need a radiologist each give their reason")
    func mriReviews() throws {
        var form = ReferralValidationTests.form()
        form.safety?.mri = MRIAnswers(
            pacemakerOrICD: false, cochlearImplant: true, aneurysmClips: true, metalInEyes: true,
            otherImplants: true, otherImplantsDetails: "hip replacement", claustrophobia: true)
        #expect(
            try Self.outcome(form) == [
                "cochlear_implant", "aneurysm_clips", "metal_in_eyes", "other_implants",
                "claustrophobia",
            ])
    }

    @Test("contrast: low eGFR, an old eGFR and an allergy go to review, by tenant thresholds")
    func contrast() throws {
        var form = ReferralValidationTests.form()
        form.safety?.contrast = ContrastAnswers(
            egfr: 29, egfrDate: "2026-09-01", contrastAllergy: true)
        #expect(try Self.outcome(form) == ["egfr_low", "egfr_out_of_date", "contrast_allergy"])
        form.safety?.contrast = ContrastAnswers(
            egfr: 30, egfrDate: "2026-09-05", contrastAllergy: false)
        #expect(try Self.outcome(form).isEmpty)

        var strict = SafetyThresholds()
        strict.egfrReviewBelow = 45
        strict.egfrMaximumAgeDays = 30
        #expect(try Self.outcome(form, thresholds: strict) == ["egfr_low", "egfr_out_of_date"])
    }

    @Test("PET-CT: insulin, high glucose, weight over the table, lying flat, recent treatment")
    func pet() throws {
        let petCT = ReferralValidationTests.petCT
        #expect(try Self.outcome(Self.petForm(Self.calmPET), petCT).isEmpty)
        let busy = PETAnswers(
            diabetes: "insulin", bloodGlucose: 11.1, weightKg: 201, canLieFlat: false,
            recentChemotherapy: true, lastChemotherapyDate: "2026-11-20",
            recentRadiotherapy: true, lastRadiotherapyDate: "2026-10-01")
        #expect(
            try Self.outcome(Self.petForm(busy), petCT) == [
                "insulin_dependent", "glucose_high", "over_table_limit", "cannot_lie_flat",
                "recent_chemotherapy", "recent_radiotherapy",
            ])
        var edge = Self.calmPET
        edge.bloodGlucose = 11.0
        edge.weightKg = 200
        edge.recentChemotherapy = true
        edge.lastChemotherapyDate = "2026-11-13"
        #expect(try Self.outcome(Self.petForm(edge), petCT).isEmpty)
        var limits = SafetyThresholds()
        limits.tableLimitKg = 160
        #expect(
            try Self.outcome(Self.petForm(edge), petCT, thresholds: limits) == ["over_table_limit"])
    }

    @Test("ionising: pregnancy stops unless justified; possible pregnancy and breastfeeding review")
    func ionising() throws {
        let petCT = ReferralValidationTests.petCT
        let pregnant = IonisingAnswers(pregnancy: "pregnant", breastfeeding: false)
        #expect(
            Self.stops(Self.petForm(Self.calmPET, pregnant), petCT) == [
                "/safety/ionising/pregnancy"
            ])
        var justified = pregnant
        justified.pregnancyJustification = "Staging of lymphoma; treatment depends on it."
        #expect(
            try Self.outcome(Self.petForm(Self.calmPET, justified), petCT) == ["pregnant_justified"]
        )
        let possible = IonisingAnswers(pregnancy: "possibly_pregnant", breastfeeding: true)
        #expect(
            try Self.outcome(Self.petForm(Self.calmPET, possible), petCT) == [
                "possibly_pregnant", "breastfeeding_radionuclide",
            ])

        let ct = ProcedureFacts(
            id: ReferralValidationTests.procedureID, name: "CT chest", modality: .ct,
            contrast: .none, safetyQuestions: [.ionising])
        var form = ReferralValidationTests.form()
        form.modality = "CT"
        form.safety = SafetyForm(
            ionising: IonisingAnswers(pregnancy: "not_pregnant", breastfeeding: true))
        #expect(try Self.outcome(form, ct).isEmpty)
    }

    @Test("invalid fields are reported before any stop")
    func invalidBeforeStop() {
        var form = ReferralValidationTests.form()
        form.safety?.mri?.pacemakerOrICD = true
        form.safety?.mri?.deviceMRConditional = false
        form.clinicalQuestion = nil
        let error = #expect(throws: ReferralsError.self) {
            try form.validated(facts: ReferralValidationTests.facts())
        }
        #expect(error?.code == .invalidFields)
        #expect(error?.fields.map(\.pointer) == ["/clinicalQuestion"])
    }
}
