/// Decides, answer by answer, whether a referral may go on as it is, must be reviewed by a
/// radiologist first, or is stopped. Runs on answers that already passed their checks.
///
/// Stops are the two cases where going on would put the patient at risk whoever looked
/// next: a pacemaker or ICD not stated to be MR-conditional (the magnet can stop or move
/// it), and a pregnant patient referred for ionising radiation without a justification
/// (IR(ME)R requires one before any exposure). Everything else that departs from the safe
/// case is for a radiologist to judge, with the reason attached.
public struct SafetyRules: Sendable {
    public let thresholds: SafetyThresholds

    public init(thresholds: SafetyThresholds) {
        self.thresholds = thresholds
    }

    /// What the rules found: the stops (each an answer and its reason) and the reasons for
    /// radiologist review.
    public struct Outcome: Sendable, Equatable {
        public var stops: [ReferralsError.Field] = []
        public var reviews: [ReviewReason] = []
    }

    public func assess(
        _ safety: SafetyForm, modality: Modality, today: CalendarDate
    ) -> Outcome {
        var outcome = Outcome()
        if let mri = safety.mri { self.mri(mri, &outcome) }
        if let contrast = safety.contrast { self.contrast(contrast, today: today, &outcome) }
        if let pet = safety.pet { self.pet(pet, today: today, &outcome) }
        if let ionising = safety.ionising { self.ionising(ionising, modality: modality, &outcome) }
        return outcome
    }

    private func mri(_ answers: MRIAnswers, _ outcome: inout Outcome) {
        let base = "/safety/mri/"
        if answers.pacemakerOrICD == true {
            if answers.deviceMRConditional == true {
                outcome.review(
                    "mr_conditional_device", base + "pacemakerOrICD",
                    "MR-conditional pacemaker or ICD: the device's conditions must be checked.")
            } else {
                outcome.stops.append(
                    .init(
                        base + "pacemakerOrICD",
                        "A pacemaker or ICD that is not MR-conditional rules out MRI; "
                            + "choose another test, or state that the device is MR-conditional."))
            }
        }
        let flags: [(Bool?, String, String, String)] = [
            (
                answers.cochlearImplant, "cochlearImplant", "cochlear_implant",
                "Cochlear implant: its MR conditions must be checked."
            ),
            (
                answers.aneurysmClips, "aneurysmClips", "aneurysm_clips",
                "Aneurysm clips: the clip type must be confirmed MR-safe."
            ),
            (
                answers.metalInEyes, "metalInEyes", "metal_in_eyes",
                "Possible metal in the eyes: orbit X-ray screening before MRI."
            ),
            (
                answers.otherImplants, "otherImplants", "other_implants",
                "Other implants: \(answers.otherImplantsDetails ?? "details given")."
            ),
            (
                answers.claustrophobia, "claustrophobia", "claustrophobia",
                "Claustrophobia: consider sedation, an open or wide-bore scanner."
            ),
        ]
        for (answer, name, code, message) in flags where answer == true {
            outcome.review(code, base + name, message)
        }
    }

    private func contrast(
        _ answers: ContrastAnswers, today: CalendarDate, _ outcome: inout Outcome
    ) {
        let base = "/safety/contrast/"
        let limits = self.thresholds
        if let egfr = answers.egfr, egfr < limits.egfrReviewBelow {
            outcome.review(
                "egfr_low", base + "egfr",
                "eGFR \(egfr) is below \(limits.egfrReviewBelow): "
                    + "contrast needs a radiologist's decision."
            )
        }
        if let date = answers.egfrDate.flatMap(CalendarDate.init(iso:)),
            today.days(since: date) > limits.egfrMaximumAgeDays
        {
            outcome.review(
                "egfr_out_of_date", base + "egfrDate",
                "The eGFR is \(today.days(since: date)) days old (more than "
                    + "\(limits.egfrMaximumAgeDays)): a recent result is needed.")
        }
        if answers.contrastAllergy == true {
            outcome.review(
                "contrast_allergy", base + "contrastAllergy",
                "Previous reaction to contrast: premedication or another test to consider.")
        }
    }

    private func pet(_ answers: PETAnswers, today: CalendarDate, _ outcome: inout Outcome) {
        let base = "/safety/pet/"
        let limits = self.thresholds
        if answers.diabetes == DiabetesTreatment.insulin.rawValue {
            outcome.review(
                "insulin_dependent", base + "diabetes",
                "Insulin-treated diabetes: the scan time and insulin must be planned.")
        }
        if let glucose = answers.bloodGlucose, glucose > limits.petGlucoseReviewAbove {
            outcome.review(
                "glucose_high", base + "bloodGlucose",
                "Blood glucose \(glucose) mmol/L is above \(limits.petGlucoseReviewAbove): "
                    + "FDG uptake may be unreliable.")
        }
        if let weight = answers.weightKg, weight > limits.tableLimitKg {
            outcome.review(
                "over_table_limit", base + "weightKg",
                "Weight \(weight) kg is over the scanner table's limit of "
                    + "\(limits.tableLimitKg) kg."
            )
        }
        if answers.canLieFlat == false {
            outcome.review(
                "cannot_lie_flat", base + "canLieFlat",
                "The patient cannot lie flat for the length of the scan.")
        }
        let treatments: [(String?, Int, String, String)] = [
            (
                answers.lastChemotherapyDate, limits.chemotherapyReviewDays, "lastChemotherapyDate",
                "chemotherapy"
            ),
            (
                answers.lastRadiotherapyDate, limits.radiotherapyReviewDays, "lastRadiotherapyDate",
                "radiotherapy"
            ),
        ]
        for (text, days, name, kind) in treatments {
            guard let date = text.flatMap(CalendarDate.init(iso:)),
                today.days(since: date) < days
            else { continue }
            outcome.review(
                "recent_\(kind)", base + name,
                "Last \(kind) \(today.days(since: date)) days ago (under \(days)): "
                    + "uptake may be misleading.")
        }
    }

    private func ionising(
        _ answers: IonisingAnswers, modality: Modality, _ outcome: inout Outcome
    ) {
        let base = "/safety/ionising/"
        let justified = answers.pregnancyJustification != nil
        switch answers.pregnancy.flatMap(PregnancyStatus.init(rawValue:)) {
        case .pregnant? where !justified:
            outcome.stops.append(
                .init(
                    base + "pregnancy",
                    "A pregnant patient is not referred for ionising radiation without a "
                        + "clinical justification; give pregnancyJustification or choose a "
                        + "test without ionising radiation."))
        case .pregnant?:
            outcome.review(
                "pregnant_justified", base + "pregnancy",
                "Pregnant: the IR(ME)R practitioner must justify the exposure.")
        case .possiblyPregnant?:
            outcome.review(
                "possibly_pregnant", base + "pregnancy",
                "Possibly pregnant: pregnancy must be excluded or the exposure justified.")
        default:
            break
        }
        if answers.breastfeeding == true, modality == .petCT || modality == .nuclearMedicine {
            outcome.review(
                "breastfeeding_radionuclide", base + "breastfeeding",
                "Breastfeeding: advice on interrupting feeds after the radiopharmaceutical.")
        }
    }
}

extension SafetyRules.Outcome {
    mutating func review(_ code: String, _ field: String, _ message: String) {
        self.reviews.append(ReviewReason(code: code, field: field, message: message))
    }
}
