import Foundation

/// The published postcode files `portalctl import postcodes` reads, with the attribution
/// their licence (the Open Government Licence v3.0) asks for wherever the data is shown.
public enum PostcodeSource: String, Sendable, CaseIterable {
    /// Ordnance Survey Code-Point Open: no header; postcode, positional quality, eastings,
    /// northings, then (in the full product) country, NHS regional and health authority,
    /// county, district and ward codes. Trimmed copies with the first four columns only
    /// are read as well.
    case codePoint = "codepoint"
    /// The ONS Postcode Directory: a header row naming its columns (pcds, doterm,
    /// oseast1m, osnrth1m, osgrdind, ctry, rgn, lat, long, icb, sicbl, ...).
    case onspd = "onspd"

    public var title: String {
        switch self {
        case .codePoint: "Ordnance Survey Code-Point Open"
        case .onspd: "ONS Postcode Directory"
        }
    }

    public static let licence = "Open Government Licence v3.0"
    public static let licenceURL =
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

    /// The lines to show with the data, for data released in `year`.
    public func attribution(year: Int) -> [String] {
        let right = "database right \(year)"
        let os = "Contains OS data © Crown copyright and \(right)"
        let royalMail = "Contains Royal Mail data © Royal Mail copyright and \(right)"
        switch self {
        case .codePoint:
            return [os, royalMail]
        case .onspd:
            let ons = "Contains National Statistics data © Crown copyright and \(right)"
            return [os, royalMail, ons]
        }
    }
}
