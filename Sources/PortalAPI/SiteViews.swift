import Foundation
import Referrals

/// The licence and attribution of the postcode data, shown with every distance and
/// position taken from it.
struct AttributionView: Encodable {
    let licence: String
    let licenceURL: String
    let lines: [String]

    init(_ attribution: PostcodeAttribution) {
        self.licence = attribution.licence
        self.licenceURL = attribution.licenceURL
        self.lines = attribution.lines
    }
}

struct UnitManagerView: Encodable {
    let name: String
    let phone: String
    let email: String
}

/// One scanning site.
struct SiteView: Encodable {
    let id: String
    let odsCode: String
    let name: String
    let addressLines: [String]
    let town: String
    let postcode: String
    let latitude: Double
    let longitude: Double
    let modalities: [String]
    let unit: String
    let unitManager: UnitManagerView
    let active: Bool

    init(_ site: ScanningSite) {
        self.id = lowercased(site.id)
        self.odsCode = site.odsCode
        self.name = site.name
        self.addressLines = site.addressLines
        self.town = site.town
        self.postcode = site.postcode
        self.latitude = site.position.latitude
        self.longitude = site.position.longitude
        self.modalities = site.modalities.map(\.rawValue)
        self.unit = site.unit.rawValue
        self.unitManager = UnitManagerView(
            name: site.managerName, phone: site.managerPhone, email: site.managerEmail)
        self.active = site.active
    }
}

/// A site with its distance from the patient, in miles to one decimal place.
struct NearbySiteView: Encodable {
    let site: SiteView
    let miles: Double

    init(_ nearby: NearbySite) {
        self.site = SiteView(nearby.site)
        self.miles = (nearby.miles * 10).rounded() / 10
    }
}

/// `GET /api/v1/sites/nearest`.
struct NearestSitesView: Encodable {
    let postcode: String
    let procedureID: String
    let items: [NearbySiteView]
    let attribution: AttributionView

    init(_ nearest: NearestSites, procedure: UUID) {
        self.postcode = nearest.postcode.value
        self.procedureID = lowercased(procedure)
        self.items = nearest.sites.map(NearbySiteView.init)
        self.attribution = AttributionView(nearest.attribution)
    }
}

/// `GET /api/v1/sites`.
struct SiteListView: Encodable {
    let items: [SiteView]
    let attribution: AttributionView
}

extension OpenAPISchemas {
    static let sites: [(String, JSONValue)] = [
        (
            "PostcodeAttribution",
            Self.object(
                required: ["licence", "licenceURL", "lines"],
                [
                    ("licence", Self.string("The postcode data's licence")),
                    ("licenceURL", ["type": "string", "format": "uri"]),
                    (
                        "lines",
                        [
                            "type": "array", "items": ["type": "string"],
                            "description": .string(
                                "Show these wherever distances or positions are shown"),
                        ]
                    ),
                ])
        ),
        (
            "Site",
            Self.object(
                required: [
                    "id", "odsCode", "name", "addressLines", "town", "postcode", "latitude",
                    "longitude", "modalities", "unit", "unitManager", "active",
                ],
                [
                    ("id", Self.uuid), ("odsCode", Self.string("NHS ODS site code")),
                    ("name", ["type": "string"]),
                    ("addressLines", ["type": "array", "items": ["type": "string"]]),
                    ("town", ["type": "string"]), ("postcode", ["type": "string"]),
                    ("latitude", ["type": "number"]), ("longitude", ["type": "number"]),
                    (
                        "modalities",
                        [
                            "type": "array",
                            "items": Self.enumeration(Modality.allCases.map(\.rawValue)),
                        ]
                    ),
                    ("unit", Self.enumeration(SiteEntry.Unit.allCases.map(\.rawValue))),
                    (
                        "unitManager",
                        Self.object(
                            required: ["name", "phone", "email"],
                            [
                                ("name", ["type": "string"]), ("phone", ["type": "string"]),
                                ("email", ["type": "string", "format": "email"]),
                            ])
                    ),
                    ("active", ["type": "boolean"]),
                ])
        ),
        (
            "NearbySite",
            Self.object(
                required: ["site", "miles"],
                [
                    ("site", OpenAPIDocument.reference("Site")),
                    ("miles", Self.number("Great-circle miles from the postcode, 0.1 mi")),
                ])
        ),
        (
            "NearestSites",
            Self.object(
                required: ["postcode", "procedureID", "items", "attribution"],
                [
                    ("postcode", Self.string("The patient's postcode in normal form")),
                    ("procedureID", Self.uuid),
                    ("items", ["type": "array", "items": OpenAPIDocument.reference("NearbySite")]),
                    ("attribution", OpenAPIDocument.reference("PostcodeAttribution")),
                ])
        ),
        (
            "SiteList",
            Self.object(
                required: ["items", "attribution"],
                [
                    ("items", ["type": "array", "items": OpenAPIDocument.reference("Site")]),
                    ("attribution", OpenAPIDocument.reference("PostcodeAttribution")),
                ])
        ),
    ]

    static func number(_ description: String) -> JSONValue {
        ["type": "number", "description": .string(description)]
    }
}
