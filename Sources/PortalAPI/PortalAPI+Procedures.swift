import Foundation
import HTTP
import Referrals

/// The procedure catalogue, searched while a referral is written.
extension PortalAPI {
    static func procedureEndpoints(catalogue: ProcedureCatalogue) -> [Endpoint] {
        [
            Endpoint(
                method: .get, path: "/api/v1/procedures", access: .signedIn,
                operation: Operation(
                    id: "searchProcedures",
                    summary: "Search the procedure catalogue by words, SNOMED CT id or NICIP code",
                    tag: "procedures", parameters: Self.procedureParameters, status: 200,
                    description: "Matching procedures, best first", response: "ProcedureList",
                    errors: [400])
            ) { request throws(Problem) in
                let search = try ProcedureQuery.parse(request.http.query)
                do throws(ProcedureCatalogueError) {
                    let matches = try await catalogue.search(search, tenant: request.tenant)
                    let items = matches.map(ProcedureView.init)
                    return JSONResponse.make(ProcedureListView(items: items))
                } catch {
                    request.http.logger.debug(
                        "procedure search failed", [("error", .string(error.description))])
                    throw PortalProblem.unavailable
                }
            }
        ]
    }

    static let procedureParameters: [Operation.Parameter] = [
        .init(
            name: "q",
            description: "Words typed (misspellings tolerated), or a SNOMED CT id or NICIP code",
            schema: ["type": "string", "minLength": 1, "maxLength": 200]),
        .init(
            name: "modality", description: "Only procedures of this modality",
            schema: OpenAPISchemas.enumeration(Modality.allCases.map(\.rawValue))),
        .init(
            name: "limit",
            description:
                "Results at most, 1 to \(ProcedureSearch.maximumLimit) "
                + "(\(ProcedureSearch.defaultLimit))",
            schema: [
                "type": "integer", "minimum": 1, "maximum": .integer(ProcedureSearch.maximumLimit),
            ]),
    ]
}

/// The query of the procedure search: `q`, `modality`, `limit`.
enum ProcedureQuery {
    static func parse(_ query: String?) throws(Problem) -> ProcedureSearch {
        var text: String?
        var modality: Modality?
        var limit: Int?
        var errors: [Problem.FieldError] = []
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = String(parts[0])
            let raw = parts.count > 1 ? String(parts[1]) : ""
            let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            switch name {
            case "q" where text == nil:
                guard let value else {
                    errors.append(.init(pointer: "q", message: "is not valid percent-encoding"))
                    continue
                }
                text = value
            case "modality" where modality == nil:
                guard let value, let chosen = Modality(rawValue: value.uppercased()) else {
                    let known = Modality.allCases.map(\.rawValue).joined(separator: ", ")
                    errors.append(.init(pointer: "modality", message: "must be one of \(known)"))
                    continue
                }
                modality = chosen
            case "limit" where limit == nil:
                guard let value, let number = Int(value) else {
                    errors.append(.init(pointer: "limit", message: "must be an integer"))
                    continue
                }
                limit = number
            case "q", "modality", "limit":
                errors.append(.init(pointer: name, message: "is given more than once"))
            default:
                errors.append(
                    .init(
                        pointer: String(name.prefix(40)), message: "is not a known query parameter")
                )
            }
        }
        if text == nil && errors.isEmpty {
            errors.append(.init(pointer: "q", message: "is required"))
        }
        guard errors.isEmpty, let text else {
            throw Problem.badRequest("The query has invalid parameters.", errors: errors)
        }

        do {
            return try ProcedureSearch(text: text, modality: modality, limit: limit)
        } catch {
            let field = error.field ?? "q"
            throw Problem.badRequest(
                "The query has invalid parameters.",
                errors: [.init(pointer: field, message: error.message)])
        }
    }
}

/// One procedure in a search answer: its codes, what it is, what the referral form must
/// ask, and whether its NICIP-to-SNOMED CT pairing is derived.
struct ProcedureView: Encodable {
    let id: String
    let snomedCTID: String
    let nicipCodes: [String]
    let name: String
    let modality: String
    let modalityLabel: String
    let bodySite: String
    let contrast: String
    let safetyQuestions: [String]
    let pairingDerived: Bool
    let exactCode: Bool

    init(_ match: ProcedureMatch) {
        self.id = lowercased(match.id)
        self.snomedCTID = match.snomedCTID
        self.nicipCodes = match.nicipCodes
        self.name = match.name
        self.modality = match.modality.rawValue
        self.modalityLabel = match.modalityLabel
        self.bodySite = match.bodySite
        self.contrast = match.contrast.rawValue
        self.safetyQuestions = match.safetyQuestions.map(\.rawValue)
        self.pairingDerived = match.pairingDerived
        self.exactCode = match.exactCode
    }
}

struct ProcedureListView: Encodable {
    let items: [ProcedureView]
}

extension OpenAPISchemas {
    static let procedures: [(String, JSONValue)] = [
        (
            "Procedure",
            Self.object(
                required: [
                    "id", "snomedCTID", "nicipCodes", "name", "modality", "modalityLabel",
                    "bodySite", "contrast", "safetyQuestions", "pairingDerived", "exactCode",
                ],
                [
                    ("id", Self.uuid),
                    ("snomedCTID", Self.string("SNOMED CT concept id")),
                    ("nicipCodes", ["type": "array", "items": ["type": "string"]]),
                    ("name", Self.string("The name shown to referrers")),
                    ("modality", Self.enumeration(Modality.allCases.map(\.rawValue))),
                    ("modalityLabel", Self.string("The finer label, e.g. PET-CT (FDG)")),
                    ("bodySite", ["type": "string"]),
                    ("contrast", Self.enumeration(Contrast.allCases.map(\.rawValue))),
                    (
                        "safetyQuestions",
                        [
                            "type": "array",
                            "description": "The question sets the referral form asks",
                            "items": Self.enumeration(SafetyQuestionSet.allCases.map(\.rawValue)),
                        ]
                    ),
                    (
                        "pairingDerived",
                        [
                            "type": "boolean",
                            "description": .string(
                                "The NICIP-to-SNOMED CT pairing was derived, not taken from an "
                                    + "authoritative map: show it as such"),
                        ]
                    ),
                    (
                        "exactCode",
                        [
                            "type": "boolean",
                            "description": .string(
                                "The search text was this procedure's SNOMED CT id or NICIP code"),
                        ]
                    ),
                ])
        ),
        (
            "ProcedureList",
            Self.object(
                required: ["items"],
                [("items", ["type": "array", "items": OpenAPIDocument.reference("Procedure")])])
        ),
    ]
}
