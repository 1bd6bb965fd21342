/// One scanning site as a sites file describes it, checked field by field.
public struct SiteEntry: Sendable, Equatable {
    /// Whether the scanner is in a building or on a trailer that moves between pitches.
    public enum Unit: String, Sendable, CaseIterable {
        case staticUnit = "static"
        case mobile
    }

    /// Which procedures the site offers.
    public enum Offer: Sendable, Equatable {
        /// Every active catalogue procedure of the site's modalities. Resolved when the file
        /// is imported: a procedure added to the catalogue later is offered from the next
        /// sites import on, not at once.
        case all
        /// These SNOMED CT concept ids.
        case procedures([String])
    }

    /// The line the record starts on.
    public let line: Int
    public let odsCode: String
    public let name: String
    public let addressLines: [String]
    public let town: String
    public let postcode: Postcode
    public let modalities: [Modality]
    public let unit: Unit
    public let managerName: String
    public let managerPhone: String
    public let managerEmail: String
    public let offer: Offer
    public let active: Bool
}
