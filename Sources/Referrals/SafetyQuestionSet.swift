/// A group of questions on the referral form that a procedure makes the referrer answer.
public enum SafetyQuestionSet: String, Sendable, Codable, CaseIterable, Comparable {
    /// MRI safety: pacemaker or ICD, cochlear implant, aneurysm clips, metal in the eyes,
    /// other implants, claustrophobia.
    case mri
    /// Contrast: latest eGFR and its date, contrast allergy.
    case contrast
    /// PET-CT preparation: diabetes, blood glucose, weight, lying flat, recent treatment.
    case pet
    /// Ionising radiation: pregnancy and breastfeeding.
    case ionising

    /// The sets a procedure needs, from its modality and contrast alone; what the importer
    /// uses when a catalogue file does not list them.
    public static func required(modality: Modality, contrast: Contrast) -> [SafetyQuestionSet] {
        var sets: [SafetyQuestionSet] = []
        if modality == .mri { sets.append(.mri) }
        if contrast != .none { sets.append(.contrast) }
        if modality == .petCT { sets.append(.pet) }
        if modality.isIonising { sets.append(.ionising) }
        return sets
    }

    /// The order the form asks them in.
    public static func < (lhs: SafetyQuestionSet, rhs: SafetyQuestionSet) -> Bool {
        let order = Self.allCases
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}
