/// A group of safety questions a procedure asks (`portal.procedures.safety_questions`).
public enum SafetyQuestion: String, Sendable, Codable, CaseIterable, Comparable {
    /// Implants, devices, metal and claustrophobia before an MRI scan.
    case mri
    /// Kidney function and allergy before iodinated or gadolinium contrast.
    case contrast
    /// Diabetes, glucose, weight, lying flat and recent treatment before PET-CT.
    case pet
    /// Pregnancy and breastfeeding before any ionising radiation.
    case ionising

    public static func < (lhs: SafetyQuestion, rhs: SafetyQuestion) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// The contrast agent a procedure uses (`portal.procedures.contrast`).
public enum ContrastAgent: String, Sendable, Codable, CaseIterable {
    case none
    case iodinated
    case gadolinium
}
