import Accounts
import Foundation
import HTTP
import Tenancy

/// A request to a portal endpoint once its tenant is known and, where the endpoint needs
/// one, its caller authenticated.
struct PortalRequest: Sendable {
    let http: HTTPRequest
    let portal: ResolvedPortal
    let origin: RequestOrigin
    /// Who is calling; nil on public endpoints.
    var principal: Principal?
    /// The session cookie's token, for deriving the CSRF token; never logged.
    var sessionToken: String?

    var tenant: TenantID { self.portal.tenant }

    /// The signed-in user; endpoints whose access requires one can rely on it.
    var user: SignedInUser? {
        guard case .user(let user) = self.principal else { return nil }
        return user
    }

    /// A path parameter that must be a UUID; anything else is a 404, as for an unknown id.
    func id(_ name: String) throws(Problem) -> UUID {
        guard let text = self.http.pathParameters[name], let id = UUID(uuidString: text) else {
            throw PortalProblem.from(AccountsError(.notFound, "No record has this id."))
        }
        return id
    }
}
