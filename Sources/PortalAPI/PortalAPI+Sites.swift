import Foundation
import HTTP
import Postgres
import Referrals
import Tenancy

/// Scanning sites: the tenant's list, and the nearest sites offering a procedure to a
/// patient's postcode, chosen while a referral is written. Distances come from the postcode
/// table, so both answers carry its Open Government Licence attribution.
///
/// Neither reads patient data (a postcode alone names nobody), so neither is audited.
extension PortalAPI {
    static func siteEndpoints(pool: @escaping @Sendable () -> PostgresPool) -> [Endpoint] {
        [
            Endpoint(
                method: .get, path: "/api/v1/sites/nearest", access: .user(nil),
                operation: Operation(
                    id: "findNearestSites",
                    summary: "The nearest active sites offering a procedure to a postcode",
                    tag: "sites", parameters: Self.nearestParameters, status: 200,
                    description: "Up to five sites, nearest first, with great-circle miles",
                    response: "NearestSites", errors: [400, 422])
            ) { request throws(Problem) in
                let query = try NearestQuery.parse(request.http.query)
                let found = try await Self.sites(request, pool) { transaction in
                    try await SiteDirectory.nearest(
                        to: query.postcode, procedure: query.procedure, in: transaction)
                }
                return JSONResponse.make(NearestSitesView(found, procedure: query.procedure))
            },
            Endpoint(
                method: .get, path: "/api/v1/sites", access: .user(nil),
                operation: Operation(
                    id: "listSites", summary: "Every scanning site of the provider, by name",
                    tag: "sites", status: 200, description: "The sites, active or not",
                    response: "SiteList")
            ) { request throws(Problem) in
                let found = try await Self.sites(request, pool) { transaction in
                    try await SiteDirectory.all(in: transaction)
                }
                return JSONResponse.make(
                    SiteListView(
                        items: found.sites.map { SiteView($0) },
                        attribution: AttributionView(found.attribution)))
            },
        ]
    }

    /// Runs a site read in a read-only transaction of the request's tenant, turning its
    /// failure into the problem to answer with.
    private static func sites<Value: Sendable>(
        _ request: PortalRequest, _ pool: @Sendable () -> PostgresPool,
        _ body: @Sendable (TenantTransaction) async throws -> Value
    ) async throws(Problem) -> Value {
        do {
            return try await pool().withTenant(request.tenant, readOnly: true) { transaction in
                try await body(transaction)
            }
        } catch let error as SiteSearchError {
            throw SiteProblem.from(error, request: request)
        } catch {
            request.http.logger.debug("site read failed", [("error", .string("\(error)"))])
            throw PortalProblem.unavailable
        }
    }

    static let nearestParameters: [Operation.Parameter] = [
        .init(
            name: "postcode", description: "The patient's UK postcode, any case and spacing",
            schema: ["type": "string", "minLength": 5, "maxLength": 10]),
        .init(
            name: "procedure", description: "The procedure's id (from the procedure search)",
            schema: OpenAPISchemas.uuid),
    ]
}

/// The query of the nearest-sites search: `postcode` and `procedure`, both required.
struct NearestQuery {
    let postcode: String
    let procedure: UUID

    static func parse(_ query: String?) throws(Problem) -> NearestQuery {
        var postcode: String?
        var procedure: UUID?
        var errors: [Problem.FieldError] = []
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = String(parts[0])
            let raw = parts.count > 1 ? String(parts[1]) : ""
            let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            switch name {
            case "postcode" where postcode == nil:
                guard Postcode(value) != nil else {
                    errors.append(.init(pointer: "postcode", message: "is not a UK postcode"))
                    continue
                }
                postcode = value
            case "procedure" where procedure == nil:
                guard let id = UUID(uuidString: value) else {
                    errors.append(.init(pointer: "procedure", message: "must be a procedure id"))
                    continue
                }
                procedure = id
            case "postcode", "procedure":
                errors.append(.init(pointer: name, message: "is given more than once"))
            default:
                let pointer = String(name.prefix(40))
                errors.append(.init(pointer: pointer, message: "is not a known query parameter"))
            }
        }
        if postcode == nil && !errors.contains(where: { $0.pointer == "postcode" }) {
            errors.append(.init(pointer: "postcode", message: "is required"))
        }
        if procedure == nil && !errors.contains(where: { $0.pointer == "procedure" }) {
            errors.append(.init(pointer: "procedure", message: "is required"))
        }
        guard errors.isEmpty, let postcode, let procedure else {
            throw Problem.badRequest("The query has invalid parameters.", errors: errors)
        }
        return NearestQuery(postcode: postcode, procedure: procedure)
    }
}

/// The problems of the site endpoints: a postcode the table does not hold (or cannot
/// place) and an unknown procedure are 422s of their own types, so that a form can tell
/// "check the postcode" from "not a postcode" (400).
enum SiteProblem {
    static func from(_ error: SiteSearchError, request: PortalRequest) -> Problem {
        switch error.code {
        case .malformedPostcode:
            return Problem.badRequest(
                "The query has invalid parameters.",
                errors: [.init(pointer: "postcode", message: "is not a UK postcode")])
        case .unknownPostcode:
            return Problem(
                status: .unprocessableContent, type: PortalProblem.type("unknown-postcode"),
                title: "Unknown postcode", detail: error.message + "; check it with the patient.",
                errors: [.init(pointer: "postcode", message: "is not in the postcode table")])
        case .postcodeWithoutPosition:
            return Problem(
                status: .unprocessableContent,
                type: PortalProblem.type("postcode-without-position"),
                title: "Postcode cannot be placed",
                detail: error.message + "; use the patient's home postcode.",
                errors: [.init(pointer: "postcode", message: "has no position")])
        case .unknownProcedure:
            return Problem(
                status: .unprocessableContent, type: PortalProblem.type("unknown-procedure"),
                title: "Unknown procedure", detail: error.message + ".",
                errors: [.init(pointer: "procedure", message: "is not in the catalogue")])
        default:
            request.http.logger.debug(
                "site read failed", [("error", .string(error.description))])
            return PortalProblem.unavailable
        }
    }
}
