import Accounts
import Foundation
import PortalAPI

/// The portals' settings from `PORTAL_*` variables: which host names serve which tenant,
/// how links begin, whether cookies need TLS, which balancers' forwarded addresses count.
enum PortalSettings {
    static let variables: [(String, String)] = [
        (
            "PORTAL_TENANT_HOSTS",
            "host=slug pairs, comma-separated (referrals.alliance.example=alliance)"
        ),
        ("PORTAL_TENANT_DOMAINS", "parent domains whose first label is the slug (portal.example)"),
        ("PORTAL_DEFAULT_TENANT", "slug served on every other host (single-host deployments)"),
        (
            "PORTAL_DEFAULT_PORTAL_URL",
            "base URL of links for the default tenant (required with it)"
        ),
        ("PORTAL_PUBLIC_SCHEME", "https or http: the scheme browsers use (https)"),
        ("PORTAL_COOKIE_SECURE", "true or false: Secure session cookie (true)"),
        ("PORTAL_TRUSTED_PROXIES", "balancer addresses whose X-Forwarded-For is believed"),
    ]

    static func fromEnvironment(
        _ environment: [String: String]
    ) throws(ConfigurationError) -> PortalConfiguration {
        var configuration = PortalConfiguration()
        for pair in Self.list(environment["PORTAL_TENANT_HOSTS"]) {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ConfigurationError(
                    variable: "PORTAL_TENANT_HOSTS", value: pair, expected: "host=slug")
            }
            configuration.hosts[parts[0].lowercased()] = parts[1]
        }
        configuration.domains = Self.list(environment["PORTAL_TENANT_DOMAINS"]).map {
            $0.lowercased()
        }
        configuration.defaultTenant = Self.value(environment["PORTAL_DEFAULT_TENANT"])
        configuration.defaultPortalURL = Self.value(environment["PORTAL_DEFAULT_PORTAL_URL"])
        if let tenant = configuration.defaultTenant, configuration.defaultPortalURL == nil {
            throw ConfigurationError(
                variable: "PORTAL_DEFAULT_PORTAL_URL", value: "",
                expected: "the portal's base URL, needed with PORTAL_DEFAULT_TENANT=\(tenant)")
        }

        switch Self.value(environment["PORTAL_PUBLIC_SCHEME"]) ?? "https" {
        case "https": configuration.publicScheme = "https"
        case "http": configuration.publicScheme = "http"
        case let other:
            throw ConfigurationError(
                variable: "PORTAL_PUBLIC_SCHEME", value: other, expected: "https or http")
        }
        switch Self.value(environment["PORTAL_COOKIE_SECURE"]) ?? "true" {
        case "true": configuration.secureCookies = true
        case "false": configuration.secureCookies = false
        case let other:
            throw ConfigurationError(
                variable: "PORTAL_COOKIE_SECURE", value: other, expected: "true or false")
        }
        configuration.trustedProxies = Set(Self.list(environment["PORTAL_TRUSTED_PROXIES"]))
        return configuration
    }

    private static func value(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
