import Accounts
import Foundation
import HTTP

/// API tokens for system clients, managed by tenant administrators.
extension PortalAPI {
    static func tokenEndpoints(accounts: Accounts) -> [Endpoint] {
        let administrator = Access.user(.tenantAdministrator)
        return [
            Endpoint(
                method: .post, path: "/api/v1/api-tokens", access: administrator,
                operation: Operation(
                    id: "createAPIToken", summary: "Create a token for a system client",
                    tag: "api-tokens", body: "APITokenRequest", status: 201,
                    description: "Created; the token is shown this once",
                    response: "CreatedAPIToken", errors: [409])
            ) { request throws(Problem) in
                let admin = try request.requireUser()
                let body = try request.body(APITokenRequest.self)
                let created = try await request.perform { () async throws(AccountsError) in
                    try await accounts.createAPIToken(
                        body, by: admin, tenant: request.tenant, origin: request.origin)
                }
                return JSONResponse.make(
                    APITokenView(created.token, secret: created.secret), status: .created)
            },
            Endpoint(
                method: .get, path: "/api/v1/api-tokens", access: administrator,
                operation: Operation(
                    id: "listAPITokens", summary: "Every API token of the tenant, newest first",
                    tag: "api-tokens", status: 200, description: "The tokens (never the secrets)",
                    response: "APITokenList")
            ) { request throws(Problem) in
                let tokens = try await request.perform { () async throws(AccountsError) in
                    try await accounts.apiTokens(tenant: request.tenant)
                }
                return JSONResponse.make(APITokenListView(items: tokens.map { APITokenView($0) }))
            },
            Endpoint(
                method: .delete, path: "/api/v1/api-tokens/:id", access: administrator,
                operation: Operation(
                    id: "revokeAPIToken", summary: "Revoke a token; it is refused at once",
                    tag: "api-tokens", status: 204, description: "Revoked")
            ) { request throws(Problem) in
                let id = try request.id("id")
                let admin = try request.requireUser()
                try await request.perform { () async throws(AccountsError) in
                    try await accounts.revokeAPIToken(
                        id, by: admin, tenant: request.tenant, origin: request.origin)
                }
                return HTTPResponse(status: .noContent)
            },
        ]
    }
}
