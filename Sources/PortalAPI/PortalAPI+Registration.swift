import Accounts
import Foundation
import HTTP

/// The public registration form, and the tenant administrators' list and decisions.
extension PortalAPI {
    static func registrationEndpoints(accounts: Accounts) -> [Endpoint] {
        let administrator = Access.user(.tenantAdministrator)
        return [
            Endpoint(
                method: .post, path: "/api/v1/registration-requests", access: .anyone,
                operation: Operation(
                    id: "submitRegistrationRequest", summary: "Ask for a portal account",
                    tag: "registration", body: "RegistrationForm", status: 201,
                    description: "Stored; an acknowledgement was e-mailed",
                    response: "RegistrationRequest", errors: [429])
            ) { request throws(Problem) in
                let form = try request.body(RegistrationForm.self)
                let stored = try await request.perform { () async throws(AccountsError) in
                    try await accounts.submitRegistration(
                        form, tenant: request.tenant, origin: request.origin)
                }
                return JSONResponse.make(
                    RegistrationView(stored), status: .created,
                    headers: ["Location": "/api/v1/registration-requests/\(lowercased(stored.id))"])
            },
            Endpoint(
                method: .get, path: "/api/v1/registration-requests", access: administrator,
                operation: Operation(
                    id: "listRegistrationRequests", summary: "Registration requests, oldest first",
                    tag: "registration", parameters: Self.listParameters, status: 200,
                    description: "One page of requests", response: "RegistrationPage",
                    errors: [400])
            ) { request throws(Problem) in
                let query = try ListQuery(request.http.query)
                let page = try await request.perform { () async throws(AccountsError) in
                    try await accounts.registrations(
                        state: query.state, limit: query.limit, after: query.after,
                        tenant: request.tenant)
                }
                return JSONResponse.make(
                    RegistrationPageView(
                        items: page.items.map(RegistrationView.init),
                        next: page.next.map(lowercased)))
            },
            Endpoint(
                method: .get, path: "/api/v1/registration-requests/:id", access: administrator,
                operation: Operation(
                    id: "getRegistrationRequest", summary: "One registration request",
                    tag: "registration", status: 200, description: "The request",
                    response: "RegistrationRequest")
            ) { request throws(Problem) in
                let id = try request.id("id")
                let found = try await request.perform { () async throws(AccountsError) in
                    try await accounts.registration(id, tenant: request.tenant)
                }
                return JSONResponse.make(RegistrationView(found))
            },
            Endpoint(
                method: .post, path: "/api/v1/registration-requests/:id/approve",
                access: administrator,
                operation: Operation(
                    id: "approveRegistrationRequest",
                    summary: "Approve: invite the user and e-mail a set-password link",
                    tag: "registration", status: 200, description: "Approved",
                    response: "RegistrationRequest", errors: [409])
            ) { request throws(Problem) in
                let id = try request.id("id")
                let admin = try request.requireUser()
                let approved = try await request.perform { () async throws(AccountsError) in
                    try await accounts.approveRegistration(
                        id, by: admin, tenant: request.tenant, origin: request.origin)
                }
                return JSONResponse.make(RegistrationView(approved))
            },
            Endpoint(
                method: .post, path: "/api/v1/registration-requests/:id/decline",
                access: administrator,
                operation: Operation(
                    id: "declineRegistrationRequest",
                    summary: "Decline, e-mailing the reason to the applicant", tag: "registration",
                    body: "DeclineRequest", status: 200, description: "Declined",
                    response: "RegistrationRequest", errors: [409])
            ) { request throws(Problem) in
                let id = try request.id("id")
                let admin = try request.requireUser()
                let body = try request.body(DeclineBody.self)
                let declined = try await request.perform { () async throws(AccountsError) in
                    try await accounts.declineRegistration(
                        id, reason: body.reason, by: admin, tenant: request.tenant,
                        origin: request.origin)
                }
                return JSONResponse.make(RegistrationView(declined))
            },
        ]
    }

    static let listParameters: [Operation.Parameter] = [
        .init(
            name: "state", description: "pending (the default), approved, declined or all",
            schema: ["type": "string", "enum": ["pending", "approved", "declined", "all"]]),
        .init(
            name: "limit", description: "Requests per page, 1 to 100 (50)",
            schema: ["type": "integer", "minimum": 1, "maximum": 100]),
        .init(
            name: "after", description: "The `next` cursor of the previous page",
            schema: ["type": "string", "format": "uuid"]),
    ]
}

/// The query of the registration list: `state`, `limit`, `after`.
struct ListQuery {
    var state: RegistrationRequest.State? = .pending
    var limit = 50
    var after: UUID?

    init(_ query: String?) throws(Problem) {
        var errors: [Problem.FieldError] = []
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? "") : ""
            switch name {
            case "state" where value == "all":
                self.state = nil
            case "state":
                guard let state = RegistrationRequest.State(rawValue: value) else {
                    errors.append(
                        .init(
                            pointer: "state", message: "must be pending, approved, declined or all")
                    )
                    continue
                }
                self.state = state
            case "limit":
                guard let limit = Int(value), (1...100).contains(limit) else {
                    errors.append(
                        .init(pointer: "limit", message: "must be an integer from 1 to 100"))
                    continue
                }
                self.limit = limit
            case "after":
                guard let after = UUID(uuidString: value) else {
                    errors.append(.init(pointer: "after", message: "must be a cursor from `next`"))
                    continue
                }
                self.after = after
            default:
                errors.append(.init(pointer: name, message: "is not a known query parameter"))
            }
        }
        guard errors.isEmpty else {
            throw Problem.badRequest("The query has invalid parameters.", errors: errors)
        }
    }
}
