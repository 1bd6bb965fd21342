import Foundation
import Testing

/// A signed-in browser: the cookie and the CSRF token the code step returned.
struct BrowserSession {
    let cookie: String
    let csrfToken: String
    let client: PortalClient

    /// The client sending the cookie, and the CSRF token unless `csrf` is false.
    func authenticated(csrf: Bool = true) -> PortalClient {
        var client = self.client
        client.headers["Cookie"] = self.cookie
        if csrf { client.headers["X-CSRF-Token"] = self.csrfToken }
        return client
    }
}

extension PortalHarness {
    /// Signs `email` in with the password and the e-mailed code.
    func signIn(
        _ email: String, password: String = PortalHarness.password, address: String = "192.0.2.1",
        host: String = PortalHarness.host
    ) async throws -> BrowserSession {
        let client = self.client(host: host, address: address)
        let first = try await client.post(
            "/api/v1/sign-in", json: ["email": email, "password": password])
        try #require(first.status == 202, "sign-in answered \(first.status): \(first.text)")
        let challenge = try #require(first.json["challenge"] as? String)
        let code = try await self.mail.nextCode(to: email)

        let second = try await client.post(
            "/api/v1/sign-in/code", json: ["challenge": challenge, "code": code])
        try #require(second.status == 200, "code step answered \(second.status): \(second.text)")
        let setCookie = try #require(second.header("Set-Cookie"))
        let cookie = String(setCookie.prefix { $0 != ";" })
        let csrf = try #require(second.json["csrfToken"] as? String)
        return BrowserSession(cookie: cookie, csrfToken: csrf, client: client)
    }
}
