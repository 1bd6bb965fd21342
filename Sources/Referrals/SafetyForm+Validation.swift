import Foundation

/// Which diabetes treatment a PET-CT patient takes.
public enum DiabetesTreatment: String, Sendable, Codable, CaseIterable {
    case none
    case diet
    case tablets
    case insulin
}

/// The IR(ME)R pregnancy enquiry's answer.
public enum PregnancyStatus: String, Sendable, Codable, CaseIterable {
    case notPregnant = "not_pregnant"
    case possiblyPregnant = "possibly_pregnant"
    case pregnant
    /// No childbearing potential (male phenotypic sex, before menarche, after menopause).
    case notApplicable = "not_applicable"
}

extension SafetyForm {
    /// Checks that the groups `required` asks are answered, and no others, and that every
    /// answer in them is present and sensible. Returns the answers to keep.
    func validated(
        required: Set<SafetyQuestionSet>, today: CalendarDate, _ checks: inout FieldChecks
    ) -> SafetyForm {
        let present: [SafetyQuestionSet: Bool] = [
            .mri: self.mri != nil, .contrast: self.contrast != nil, .pet: self.pet != nil,
            .ionising: self.ionising != nil,
        ]
        for question in SafetyQuestionSet.allCases.sorted() {
            let asked = required.contains(question)
            if asked && present[question] != true {
                checks.fail("/safety/\(question.rawValue)", "is required for this procedure")
            } else if !asked && present[question] == true {
                checks.fail("/safety/\(question.rawValue)", "is not asked for this procedure")
            }
        }
        if let mri = self.mri, required.contains(.mri) { mri.check(&checks) }
        if let contrast = self.contrast, required.contains(.contrast) {
            contrast.check(today: today, &checks)
        }
        if let pet = self.pet, required.contains(.pet) { pet.check(today: today, &checks) }
        if let ionising = self.ionising, required.contains(.ionising) { ionising.check(&checks) }
        return self
    }
}

extension MRIAnswers {
    func check(_ checks: inout FieldChecks) {
        let answers: [(Bool?, String)] = [
            (self.pacemakerOrICD, "pacemakerOrICD"), (self.cochlearImplant, "cochlearImplant"),
            (self.aneurysmClips, "aneurysmClips"), (self.metalInEyes, "metalInEyes"),
            (self.otherImplants, "otherImplants"), (self.claustrophobia, "claustrophobia"),
        ]
        for (answer, name) in answers where answer == nil {
            checks.fail("/safety/mri/\(name)", "is required (true or false)")
        }
        if self.pacemakerOrICD == true, self.deviceMRConditional == nil {
            checks.fail(
                "/safety/mri/deviceMRConditional",
                "is required with a pacemaker or ICD: is the device MR-conditional?")
        } else if self.pacemakerOrICD != true, self.deviceMRConditional != nil {
            checks.fail("/safety/mri/deviceMRConditional", "is only for a pacemaker or ICD")
        }
        if self.otherImplants == true {
            _ = checks.text(self.otherImplantsDetails, "/safety/mri/otherImplantsDetails", max: 500)
        } else if self.otherImplantsDetails != nil {
            checks.fail("/safety/mri/otherImplantsDetails", "is only for other implants")
        }
    }
}

extension ContrastAnswers {
    func check(today: CalendarDate, _ checks: inout FieldChecks) {
        if let egfr = checks.required(self.egfr, "/safety/contrast/egfr"),
            !(0...200).contains(egfr)
        {
            checks.fail("/safety/contrast/egfr", "must be from 0 to 200 mL/min/1.73 m²")
        }
        _ = checks.pastDate(self.egfrDate, "/safety/contrast/egfrDate", today: today)
        if self.contrastAllergy == nil {
            checks.fail("/safety/contrast/contrastAllergy", "is required (true or false)")
        }
    }
}

extension PETAnswers {
    func check(today: CalendarDate, _ checks: inout FieldChecks) {
        let diabetes = checks.choice(self.diabetes, DiabetesTreatment.self, "/safety/pet/diabetes")
        if let glucose = self.bloodGlucose {
            if !(0.5...50).contains(glucose) {
                checks.fail("/safety/pet/bloodGlucose", "must be from 0.5 to 50 mmol/L")
            }
        } else if let diabetes, diabetes != .none {
            checks.fail("/safety/pet/bloodGlucose", "is required for a diabetic patient")
        }
        if let weight = checks.required(self.weightKg, "/safety/pet/weightKg"),
            !(0.5...500).contains(weight)
        {
            checks.fail("/safety/pet/weightKg", "must be from 0.5 to 500 kg")
        }
        if self.canLieFlat == nil {
            checks.fail("/safety/pet/canLieFlat", "is required (true or false)")
        }
        Self.treatment(
            self.recentChemotherapy, self.lastChemotherapyDate, "Chemotherapy", today: today,
            &checks)
        Self.treatment(
            self.recentRadiotherapy, self.lastRadiotherapyDate, "Radiotherapy", today: today,
            &checks)
    }

    /// `recent<Kind>` must be answered; `last<Kind>Date` goes with true and only with true.
    private static func treatment(
        _ recent: Bool?, _ date: String?, _ kind: String, today: CalendarDate,
        _ checks: inout FieldChecks
    ) {
        let flag = "/safety/pet/recent\(kind)"
        let dated = "/safety/pet/last\(kind)Date"
        switch recent {
        case nil: checks.fail(flag, "is required (true or false)")
        case true?: _ = checks.pastDate(date, dated, today: today)
        case false?: if date != nil { checks.fail(dated, "is only for recent treatment") }
        }
    }
}

extension IonisingAnswers {
    func check(_ checks: inout FieldChecks) {
        let status = checks.choice(
            self.pregnancy, PregnancyStatus.self, "/safety/ionising/pregnancy")
        if self.breastfeeding == nil {
            checks.fail("/safety/ionising/breastfeeding", "is required (true or false)")
        }
        let pointer = "/safety/ionising/pregnancyJustification"
        if status == .pregnant || status == .possiblyPregnant {
            if self.pregnancyJustification != nil {
                _ = checks.text(self.pregnancyJustification, pointer, max: 1000)
            }
        } else if status != nil, self.pregnancyJustification != nil {
            checks.fail(pointer, "is only for a pregnant or possibly pregnant patient")
        }
    }
}
