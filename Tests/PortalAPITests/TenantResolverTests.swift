import HTTP
import Testing

@testable import PortalAPI

/// Host names to tenants, addresses, cookies and bearer headers, without a server.
@Suite("Request edges")
struct RequestEdgeTests {
    static func resolver() -> TenantResolver {
        var configuration = PortalConfiguration()
        configuration.hosts = ["referrals.alliance.example": "alliance"]
        configuration.domains = ["portal.example"]
        return TenantResolver(configuration: configuration)
    }

    @Test("a tenant comes from an exact host, or a portal domain's first label")
    func hosts() {
        let resolver = Self.resolver()
        let exact = resolver.slug(
            host: "referrals.alliance.example", header: "Referrals.Alliance.Example")
        #expect(exact?.0 == "alliance")
        #expect(exact?.1 == "https://referrals.alliance.example")
        #expect(
            resolver.slug(host: "north.portal.example", header: "north.portal.example:8443")?.0
                == "north")
        #expect(resolver.slug(host: "a.b.portal.example", header: "a.b.portal.example") == nil)
        #expect(resolver.slug(host: "portal.example", header: "portal.example") == nil)
        #expect(resolver.slug(host: "evilportal.example", header: "evilportal.example") == nil)
    }

    @Test("the default tenant serves other hosts, with its configured link base, never the Host")
    func defaultTenant() {
        var configuration = PortalConfiguration()
        configuration.defaultTenant = "alliance"
        configuration.defaultPortalURL = "https://portal.alliance.example"
        let resolver = TenantResolver(configuration: configuration)
        let found = resolver.slug(host: "attacker.example", header: "attacker.example")
        #expect(found?.0 == "alliance")
        #expect(found?.1 == "https://portal.alliance.example")
    }

    @Test("Host headers: port dropped, case folded, junk refused")
    func hostNames() {
        #expect(
            TenantResolver.hostName("Alliance.Portal.Example:8080") == "alliance.portal.example")
        #expect(TenantResolver.hostName("[::1]:8080") == "[::1]")
        #expect(TenantResolver.hostName("a.example:port") == nil)
        #expect(TenantResolver.hostName("a example") == nil)
        #expect(TenantResolver.hostName("") == nil)
        #expect(TenantResolver.hostName("a/b") == nil)
    }

    @Test("the client's address: the peer, or the last X-Forwarded-For hop of a trusted proxy")
    func clientAddress() {
        var request = HTTPRequest(method: .get, path: "/", remoteAddress: "10.0.0.5:41000")
        request.headers.add("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
        #expect(ClientAddress.of(request, trusting: []) == "10.0.0.5")
        #expect(ClientAddress.of(request, trusting: ["10.0.0.5"]) == "203.0.113.9")
        request.headers.replaceOrAdd("X-Forwarded-For", "not-an-address")
        #expect(ClientAddress.of(request, trusting: ["10.0.0.5"]) == "10.0.0.5")
        let six = HTTPRequest(method: .get, path: "/", remoteAddress: "[2001:db8::1]:443")
        #expect(ClientAddress.of(six, trusting: []) == "2001:db8::1")
    }

    @Test("the session cookie is read by exact name; Set-Cookie carries its attributes")
    func cookies() {
        let headers: HTTPHeaders = ["Cookie": "theme=dark; portal_session=abc; xportal_session=no"]
        #expect(Cookies.value("portal_session", in: headers) == "abc")
        #expect(Cookies.value("__Host-portal_session", in: headers) == nil)

        var secure = PortalConfiguration()
        secure.secureCookies = true
        let cookie = Cookies.session("tok", maxAge: 43200, configuration: secure)
        #expect(
            cookie
                == "__Host-portal_session=tok; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure"
        )
        #expect(Cookies.cleared(configuration: secure).contains("Max-Age=0"))
    }

    @Test("only `Bearer <token>` is a bearer token")
    func bearer() {
        #expect(Gate.bearerToken("Bearer abc") == "abc")
        #expect(Gate.bearerToken("bearer abc") == "abc")
        #expect(Gate.bearerToken("Basic abc") == nil)
        #expect(Gate.bearerToken("Bearer ") == nil)
        #expect(Gate.bearerToken("Bearer") == nil)
    }
}
