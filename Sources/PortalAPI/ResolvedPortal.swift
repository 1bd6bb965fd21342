import Tenancy

/// The tenant a request's host name belongs to, and the portal's base URL for links.
struct ResolvedPortal: Sendable {
    let tenant: TenantID
    let slug: String
    let baseURL: String
}
