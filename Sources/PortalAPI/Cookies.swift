import HTTP

/// The session cookie: read from `Cookie`, written as `Set-Cookie` with the attributes that
/// keep it away from scripts and other sites.
enum Cookies {
    /// The value of cookie `name` in the request's `Cookie` headers, or nil.
    static func value(_ name: String, in headers: HTTPHeaders) -> String? {
        for header in headers.values(for: "Cookie") {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard let equals = trimmed.firstIndex(of: "="),
                    trimmed[..<equals] == name
                else {
                    continue
                }
                let value = String(trimmed[trimmed.index(after: equals)...])
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// `Set-Cookie` for a new session: `HttpOnly; SameSite=Strict; Path=/`, `Secure` when
    /// the portal is served over TLS, and a lifetime of the session's absolute limit.
    static func session(
        _ token: String, maxAge seconds: Int, configuration: PortalConfiguration
    ) -> String {
        var cookie = "\(configuration.cookieName)=\(token); Path=/; Max-Age=\(seconds); HttpOnly"
        cookie += "; SameSite=Strict"
        if configuration.secureCookies { cookie += "; Secure" }
        return cookie
    }

    /// `Set-Cookie` that removes the session cookie.
    static func cleared(configuration: PortalConfiguration) -> String {
        Self.session("", maxAge: 0, configuration: configuration)
    }
}
