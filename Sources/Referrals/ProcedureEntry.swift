/// One procedure as a catalogue file describes it, checked and ready to store: the row of
/// `portal.procedures` without the database's own columns.
public struct ProcedureEntry: Sendable, Equatable, Codable {
    public var snomedCTID: SNOMEDConceptID
    public var nicipCodes: [String]
    /// The name shown to referrers.
    public var name: String
    public var modality: Modality
    /// The catalogue's finer label ("PET-CT (FDG)", "CT angiography").
    public var modalityLabel: String
    public var bodySite: String
    public var contrast: Contrast
    public var synonyms: [String]
    public var safetyQuestions: [SafetyQuestionSet]
    /// Whether the NICIP-to-SNOMED CT pairing was derived rather than authoritative.
    public var pairingDerived: Bool
    /// Where the codes and the name come from, and how far to trust them.
    public var sources: String?

    public init(
        snomedCTID: SNOMEDConceptID, nicipCodes: [String], name: String, modality: Modality,
        modalityLabel: String, bodySite: String, contrast: Contrast, synonyms: [String],
        safetyQuestions: [SafetyQuestionSet], pairingDerived: Bool, sources: String?
    ) {
        self.snomedCTID = snomedCTID
        self.nicipCodes = nicipCodes
        self.name = name
        self.modality = modality
        self.modalityLabel = modalityLabel
        self.bodySite = bodySite
        self.contrast = contrast
        self.synonyms = synonyms
        self.safetyQuestions = safetyQuestions
        self.pairingDerived = pairingDerived
        self.sources = sources
    }

    /// The column names of `portal.procedures`, as the importer sends them to the database.
    enum CodingKeys: String, CodingKey {
        case snomedCTID = "snomed_ct_id"
        case nicipCodes = "nicip_codes"
        case name
        case modality
        case modalityLabel = "modality_label"
        case bodySite = "body_site"
        case contrast
        case synonyms
        case safetyQuestions = "safety_questions"
        case pairingDerived = "pairing_derived"
        case sources
    }
}
