import Foundation

/// A scanning site as referrers see it: where it is, what it has, and whom to call.
public struct ScanningSite: Sendable, Equatable {
    /// The organisation's id.
    public let id: UUID
    public let odsCode: String
    public let name: String
    public let addressLines: [String]
    public let town: String
    public let postcode: String
    public let position: GeoPoint
    public let modalities: [Modality]
    public let unit: SiteEntry.Unit
    public let managerName: String
    public let managerPhone: String
    public let managerEmail: String
    public let active: Bool
}

/// A site offering the procedure asked about, with its distance from the patient.
public struct NearbySite: Sendable, Equatable {
    public let site: ScanningSite
    /// Great-circle miles from the patient's postcode (haversine, R = 3958.8 mi).
    public let miles: Double
}

/// The answer to "where can this patient have this procedure": the nearest sites first,
/// and the attribution of the postcode data the distances come from.
public struct NearestSites: Sendable, Equatable {
    public let postcode: Postcode
    public let position: GeoPoint
    public let sites: [NearbySite]
    public let attribution: PostcodeAttribution
}

/// The licence and attribution lines of the postcode data, to show with anything derived
/// from it (Open Government Licence: the source must be acknowledged where shown).
public struct PostcodeAttribution: Sendable, Equatable {
    public let licence: String
    public let licenceURL: String
    public let lines: [String]

    public init(licence: String, licenceURL: String, lines: [String]) {
        self.licence = licence
        self.licenceURL = licenceURL
        self.lines = lines
    }
}
