import Accounts
import Foundation
import HTTP

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Serves one endpoint: resolves the tenant, passes the gate, runs the handler, and turns
/// every refusal into its problem. API responses are never cached.
struct EndpointResponder: HTTPResponder {
    let endpoint: Endpoint
    let api: PortalAPI

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        var response: HTTPResponse
        do {
            response = try await self.serve(request)
        } catch {
            response = error.response()
        }
        response.headers.replaceOrAdd("Cache-Control", "no-store")
        response.route = self.endpoint.path
        return response
    }

    private func serve(_ request: HTTPRequest) async throws(Problem) -> HTTPResponse {
        guard self.endpoint.needsTenant else {
            let none = ResolvedPortal(tenant: PortalAPI.noTenant, slug: "", baseURL: "")
            return try await self.endpoint.handle(
                PortalRequest(http: request, portal: none, origin: self.origin(request, none)))
        }

        try self.api.gate.checkSite(request)
        let portal = try await self.api.resolver.resolve(request, pool: self.api.pool())
        var context = PortalRequest(
            http: request, portal: portal, origin: self.origin(request, portal))
        try await self.api.gate.admit(&context, access: self.endpoint.access)
        return try await self.endpoint.handle(context)
    }

    private func origin(_ request: HTTPRequest, _ portal: ResolvedPortal) -> RequestOrigin {
        RequestOrigin(
            requestID: request.id,
            address: ClientAddress.of(request, trusting: self.api.configuration.trustedProxies),
            userAgent: request.headers["User-Agent"], portalURL: portal.baseURL)
    }
}

/// The client's IP address: the peer's, or the last `X-Forwarded-For` entry when the peer
/// is a trusted load balancer.
enum ClientAddress {
    static func of(_ request: HTTPRequest, trusting proxies: Set<String>) -> String {
        let peer = Self.host(of: request.remoteAddress)
        guard proxies.contains(peer),
            let forwarded = request.headers.values(for: "X-Forwarded-For").last,
            let last = forwarded.split(separator: ",").last
        else {
            return peer
        }
        let address = last.trimmingCharacters(in: .whitespaces)
        return Self.isIPAddress(address) ? address : peer
    }

    /// `host:port` or `[v6]:port` without the port.
    static func host(of address: String) -> String {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<close])
        }
        guard let colon = address.lastIndex(of: ":") else { return address }
        return String(address[..<colon])
    }

    static func isIPAddress(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
