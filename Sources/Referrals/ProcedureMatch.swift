import Foundation

/// One search result: a procedure of the catalogue with what the referral form needs to
/// know about it, and how well it matched.
public struct ProcedureMatch: Sendable, Equatable {
    public let id: UUID
    public let snomedCTID: String
    public let nicipCodes: [String]
    public let name: String
    public let modality: Modality
    public let modalityLabel: String
    public let bodySite: String
    public let contrast: Contrast
    public let safetyQuestions: [SafetyQuestionSet]
    /// Whether the NICIP-to-SNOMED CT pairing was derived, not authoritative.
    public let pairingDerived: Bool
    /// True when the search text was this procedure's SNOMED CT id or one of its NICIP codes.
    public let exactCode: Bool
    /// Full-text rank plus trigram similarity of the name; higher is better. Comparable
    /// within one search only.
    public let score: Double
}
