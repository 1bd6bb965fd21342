import Accounts
import HTTP

/// Who may call an endpoint.
enum Access: Sendable, Equatable {
    /// Anyone, before sign-in (the registration form, the sign-in steps).
    case anyone
    /// A signed-in user (session) or a system client (API token).
    case signedIn
    /// A signed-in user, with `role` when one is named.
    case user(Role?)

    /// Whether a principal passes; the problem to answer with when not.
    func check(_ principal: Principal) throws(Problem) {
        switch (self, principal) {
        case (.anyone, _), (.signedIn, _), (.user(nil), .user):
            return
        case (.user(let role?), .user(let user)):
            guard user.has(role) else {
                throw PortalProblem.forbidden("This needs the \(role.rawValue) role.")
            }
        case (.user, .client):
            throw PortalProblem.forbidden("This needs a signed-in user; API tokens cannot do it.")
        }
    }
}
