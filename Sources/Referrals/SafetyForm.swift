import Foundation

/// The answers to the safety questions, one group for each group the procedure asks.
public struct SafetyForm: Sendable, Codable, Equatable {
    public var mri: MRIAnswers?
    public var contrast: ContrastAnswers?
    public var pet: PETAnswers?
    public var ionising: IonisingAnswers?

    public init(
        mri: MRIAnswers? = nil, contrast: ContrastAnswers? = nil, pet: PETAnswers? = nil,
        ionising: IonisingAnswers? = nil
    ) {
        self.mri = mri
        self.contrast = contrast
        self.pet = pet
        self.ionising = ionising
    }
}

/// Before MRI: anything the magnet could move, heat or stop, and whether the patient can
/// bear the bore.
public struct MRIAnswers: Sendable, Codable, Equatable {
    public var pacemakerOrICD: Bool?
    /// The device is MR-conditional (stated by the referrer, make and model known).
    public var deviceMRConditional: Bool?
    public var cochlearImplant: Bool?
    public var aneurysmClips: Bool?
    /// Metal fragments in the eyes (metalwork, grinding, injury).
    public var metalInEyes: Bool?
    public var otherImplants: Bool?
    /// What the other implants are; required when there are some.
    public var otherImplantsDetails: String?
    public var claustrophobia: Bool?

    public init(
        pacemakerOrICD: Bool? = nil, deviceMRConditional: Bool? = nil,
        cochlearImplant: Bool? = nil, aneurysmClips: Bool? = nil, metalInEyes: Bool? = nil,
        otherImplants: Bool? = nil, otherImplantsDetails: String? = nil,
        claustrophobia: Bool? = nil
    ) {
        self.pacemakerOrICD = pacemakerOrICD
        self.deviceMRConditional = deviceMRConditional
        self.cochlearImplant = cochlearImplant
        self.aneurysmClips = aneurysmClips
        self.metalInEyes = metalInEyes
        self.otherImplants = otherImplants
        self.otherImplantsDetails = otherImplantsDetails
        self.claustrophobia = claustrophobia
    }
}

/// Before contrast: the latest kidney function and any earlier reaction.
public struct ContrastAnswers: Sendable, Codable, Equatable {
    /// Latest eGFR in mL/min/1.73 m².
    public var egfr: Int?
    /// When the blood for it was taken, `YYYY-MM-DD`.
    public var egfrDate: String?
    public var contrastAllergy: Bool?

    public init(egfr: Int? = nil, egfrDate: String? = nil, contrastAllergy: Bool? = nil) {
        self.egfr = egfr
        self.egfrDate = egfrDate
        self.contrastAllergy = contrastAllergy
    }
}

/// Before PET-CT: what affects FDG uptake and whether the patient can be scanned.
public struct PETAnswers: Sendable, Codable, Equatable {
    /// `none`, `diet`, `tablets` or `insulin`.
    public var diabetes: String?
    /// Latest blood glucose in mmol/L; required for a diabetic patient.
    public var bloodGlucose: Double?
    public var weightKg: Double?
    public var canLieFlat: Bool?
    /// Chemotherapy in the past 12 weeks, and the date of the last dose when so.
    public var recentChemotherapy: Bool?
    public var lastChemotherapyDate: String?
    /// Radiotherapy in the past 12 weeks, and the date of the last fraction when so.
    public var recentRadiotherapy: Bool?
    public var lastRadiotherapyDate: String?

    public init(
        diabetes: String? = nil, bloodGlucose: Double? = nil, weightKg: Double? = nil,
        canLieFlat: Bool? = nil, recentChemotherapy: Bool? = nil,
        lastChemotherapyDate: String? = nil, recentRadiotherapy: Bool? = nil,
        lastRadiotherapyDate: String? = nil
    ) {
        self.diabetes = diabetes
        self.bloodGlucose = bloodGlucose
        self.weightKg = weightKg
        self.canLieFlat = canLieFlat
        self.recentChemotherapy = recentChemotherapy
        self.lastChemotherapyDate = lastChemotherapyDate
        self.recentRadiotherapy = recentRadiotherapy
        self.lastRadiotherapyDate = lastRadiotherapyDate
    }
}

/// Before ionising radiation (IR(ME)R pregnancy enquiry).
public struct IonisingAnswers: Sendable, Codable, Equatable {
    /// `not_pregnant`, `possibly_pregnant`, `pregnant` or `not_applicable` (no
    /// childbearing potential).
    public var pregnancy: String?
    public var breastfeeding: Bool?
    /// Why the exposure is clinically justified despite a pregnancy; required to refer a
    /// pregnant patient at all.
    public var pregnancyJustification: String?

    public init(
        pregnancy: String? = nil, breastfeeding: Bool? = nil,
        pregnancyJustification: String? = nil
    ) {
        self.pregnancy = pregnancy
        self.breastfeeding = breastfeeding
        self.pregnancyJustification = pregnancyJustification
    }
}
