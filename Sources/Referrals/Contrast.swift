import Foundation

/// The contrast agent a procedure uses, which decides whether the referral form asks for a
/// recent eGFR and about contrast allergy.
public enum Contrast: String, Sendable, Codable, CaseIterable {
    case none
    /// Iodinated contrast, as CT uses.
    case iodinated
    /// Gadolinium-based contrast, as MRI uses.
    case gadolinium

    /// Reads a catalogue's contrast cell: empty, "none", "without contrast", the agent's
    /// name, or "with contrast", which means the agent the modality uses (iodinated for CT,
    /// gadolinium for MRI). Nil when the cell names no agent the modality can use.
    public init?(catalogueCell cell: String, modality: Modality) {
        switch cell.lowercased().trimmingCharacters(in: .whitespaces) {
        case "", "none", "without contrast", "no contrast", "non-contrast":
            self = .none
        case "iodinated", "iodinated contrast":
            self = .iodinated
        case "gadolinium", "gadolinium contrast":
            self = .gadolinium
        case "with contrast", "contrast", "contrast-enhanced":
            switch modality {
            case .ct: self = .iodinated
            case .mri: self = .gadolinium
            case .petCT, .ultrasound, .nuclearMedicine, .xRay, .dexa: return nil
            }
        default:
            return nil
        }
    }
}
