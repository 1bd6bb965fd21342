/// The kind of scanner a procedure needs. The catalogue's finer labels ("PET-CT (FDG)",
/// "CT angiography", "US (transvaginal)") map onto these, which is what a referrer picks,
/// what a site offers and what the safety questions depend on.
public enum Modality: String, Sendable, Codable, CaseIterable, Comparable {
    case petCT = "PET-CT"
    case mri = "MRI"
    case ct = "CT"
    case ultrasound = "US"
    case nuclearMedicine = "NM"
    case xRay = "XR"
    case dexa = "DEXA"

    /// The modality a catalogue label names, by its leading word: "MRA" and "MRI (MRCP)"
    /// are MRI, "CT perfusion" and "CT-guided biopsy" are CT. Nil for anything else.
    public init?(catalogueLabel label: String) {
        let upper = label.uppercased()
        if let exact = Modality(rawValue: upper) {
            self = exact
            return
        }
        let word = upper.prefix { $0.isLetter || $0 == "-" }
        switch word {
        case "PET-CT": self = .petCT
        case "MRI", "MRA": self = .mri
        case "CT", "CT-GUIDED": self = .ct
        case "US": self = .ultrasound
        case "NM": self = .nuclearMedicine
        case "XR": self = .xRay
        case "DEXA": self = .dexa
        default: return nil
        }
    }

    /// Whether the patient receives ionising radiation (and so is asked about pregnancy and
    /// breastfeeding).
    public var isIonising: Bool {
        switch self {
        case .petCT, .ct, .nuclearMedicine, .xRay, .dexa: true
        case .mri, .ultrasound: false
        }
    }

    public static func < (lhs: Modality, rhs: Modality) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
