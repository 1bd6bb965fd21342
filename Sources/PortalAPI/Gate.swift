import Accounts
import HTTP
import Tenancy

/// The checks every portal request passes before its endpoint runs: the request's site
/// (Origin, Sec-Fetch-Site) for unsafe methods, the session cookie or bearer token, the
/// session's CSRF token for unsafe methods, and the endpoint's access rule.
struct Gate: Sendable {
    let accounts: Accounts
    let configuration: PortalConfiguration

    /// Methods that change something and so need CSRF protection.
    static func isUnsafe(_ method: HTTPMethod) -> Bool {
        ![HTTPMethod.get, .head, .options].contains(method)
    }

    /// Refuses an unsafe request that a browser says came from another site.
    func checkSite(_ request: HTTPRequest) throws(Problem) {
        guard Self.isUnsafe(request.method) else { return }

        if let site = request.headers["Sec-Fetch-Site"]?.lowercased(),
            site != "same-origin" && site != "none"
        {
            throw PortalProblem.crossOrigin
        }
        guard let origin = request.headers["Origin"] else { return }
        let expected = "\(self.configuration.publicScheme)://\(request.headers["Host"] ?? "")"
        guard origin.lowercased() == expected.lowercased() else { throw PortalProblem.crossOrigin }
    }

    /// Authenticates the caller and applies `access`; fills the request's principal.
    func admit(_ request: inout PortalRequest, access: Access) async throws(Problem) {
        guard access != .anyone else { return }

        if let authorization = request.http.headers["Authorization"] {
            guard let token = Self.bearerToken(authorization) else {
                throw PortalProblem.invalidToken
            }
            guard
                let client = try await self.call({ () async throws(AccountsError) in
                    try await self.accounts.client(token: token, tenant: request.tenant)
                })
            else {
                throw PortalProblem.invalidToken
            }
            request.principal = .client(client)
            try access.check(.client(client))
            return
        }

        guard let token = Cookies.value(self.configuration.cookieName, in: request.http.headers)
        else {
            throw PortalProblem.unauthenticated
        }
        guard
            let user = try await self.call({ () async throws(AccountsError) in
                try await self.accounts.session(token: token, tenant: request.tenant)
            })
        else {
            throw PortalProblem.sessionEnded
        }
        request.principal = .user(user)
        request.sessionToken = token

        if Self.isUnsafe(request.http.method) {
            let offered = request.http.headers["X-CSRF-Token"]
            guard Accounts.acceptsCSRFToken(offered, for: user) else { throw PortalProblem.csrf }
        }
        try access.check(.user(user))
    }

    private func call<Value>(
        _ body: () async throws(AccountsError) -> Value
    ) async throws(Problem) -> Value {
        do {
            return try await body()
        } catch {
            throw PortalProblem.from(error)
        }
    }

    /// The token of `Bearer <token>` (the scheme in any case), or nil.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
