/// How the portals are reached: which host names belong to which tenant, how links in
/// e-mails begin, and whether cookies need TLS.
public struct PortalConfiguration: Sendable {
    /// Exact host names (lower case, no port) and the slug of the tenant each serves.
    public var hosts: [String: String] = [:]
    /// Parent domains whose first label is a tenant's slug: with `portal.example`, the
    /// host `alliance.portal.example` serves the tenant `alliance`.
    public var domains: [String] = []
    /// The tenant for every other host name, for single-host deployments; nil answers
    /// other hosts with a problem.
    public var defaultTenant: String?
    /// The base URL of links in e-mails for the default tenant (the Host header of an
    /// unrecognised host is never trusted for links).
    public var defaultPortalURL: String?
    /// The scheme browsers use to reach the portals (`https` behind the TLS terminator):
    /// links begin with it and `Origin` must carry it.
    public var publicScheme = "https"
    /// Marks the session cookie `Secure` (and names it `__Host-portal_session`); off only
    /// for plain-HTTP development and tests.
    public var secureCookies = true
    /// Addresses of the load balancers whose `X-Forwarded-For` is believed; the client's
    /// address is then the last one they added.
    public var trustedProxies: Set<String> = []

    public init() {}

    /// The name of the session cookie.
    var cookieName: String {
        self.secureCookies ? "__Host-portal_session" : "portal_session"
    }
}
