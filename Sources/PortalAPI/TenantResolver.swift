import HTTP
import Postgres
import Synchronization
import Tenancy

/// Finds the tenant of a request from its `Host` header, never from anything the client
/// chooses in the body: an exact host name, a subdomain of a portal domain, or the default
/// tenant. Slugs found in the database are remembered (a tenant's id never changes).
final class TenantResolver: Sendable {
    let configuration: PortalConfiguration
    private let known = Mutex<[String: TenantID]>([:])

    init(configuration: PortalConfiguration) {
        self.configuration = configuration
    }

    /// The request's portal, or the problem to answer with (unknown host, no host).
    func resolve(
        _ request: HTTPRequest, pool: PostgresPool
    ) async throws(Problem) -> ResolvedPortal {
        guard let header = request.headers["Host"], let host = Self.hostName(header) else {
            throw PortalProblem.unknownHost("(none)")
        }
        guard let (slug, baseURL) = self.slug(host: host, header: header) else {
            throw PortalProblem.unknownHost(host)
        }

        if let tenant = self.known.withLock({ $0[slug] }) {
            return ResolvedPortal(tenant: tenant, slug: slug, baseURL: baseURL)
        }
        do {
            let tenant = try await pool.tenant(forSlug: slug)
            self.known.withLock { $0[slug] = tenant }
            return ResolvedPortal(tenant: tenant, slug: slug, baseURL: baseURL)
        } catch {
            guard error.code == .unknownTenant || error.code == .invalidSlug else {
                request.logger.debug(
                    "tenant lookup failed", [("error", .string(error.description))])
                throw PortalProblem.unavailable
            }
            throw PortalProblem.unknownHost(host)
        }
    }

    /// The slug and the links' base URL for `host`, or nil when no portal answers there.
    func slug(host: String, header: String) -> (String, String)? {
        let scheme = self.configuration.publicScheme
        if let slug = self.configuration.hosts[host] {
            return (slug, "\(scheme)://\(header.lowercased())")
        }
        for domain in self.configuration.domains where host.hasSuffix("." + domain) {
            let label = host.dropLast(domain.count + 1)
            if !label.isEmpty, !label.contains(".") {
                return (String(label), "\(scheme)://\(header.lowercased())")
            }
        }
        guard let slug = self.configuration.defaultTenant,
            let url = self.configuration.defaultPortalURL
        else {
            return nil
        }
        return (slug, url)
    }

    /// The host name of a `Host` header, lower case and without its port; nil when it is
    /// not a plausible host name (only letters, digits, dots, hyphens, or an IPv6 literal).
    static func hostName(_ header: String) -> String? {
        var text = header.lowercased()
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            text = String(text[...close])
        } else if let colon = text.lastIndex(of: ":") {
            guard text[text.index(after: colon)...].allSatisfy(\.isNumber) else { return nil }
            text = String(text[..<colon])
        }
        let allowed = text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
                || byte == UInt8(ascii: ":")
        }
        guard !text.isEmpty, text.utf8.count <= 253, allowed else { return nil }
        return text
    }
}
