import Accounts
import Foundation

/// Response bodies, in the shapes the OpenAPI document's schemas describe.
struct UserView: Codable {
    let id: UUID
    let fullName: String
    let email: String
    let jobTitle: String
    let organisationID: UUID
    let roles: [String]

    init(_ user: SignedInUser) {
        self.id = user.userID
        self.fullName = user.fullName
        self.email = user.email
        self.jobTitle = user.jobTitle
        self.organisationID = user.organisationID
        self.roles = user.roles.map(\.rawValue)
    }
}

struct ChallengeView: Codable {
    let challenge: String
    let expiresAt: Date
    let codeLength: Int
}

struct SessionView: Codable {
    let user: UserView
    let csrfToken: String
    let expiresAt: Date
}

struct ClientView: Codable {
    let tokenID: UUID
    let name: String
    let scopes: [String]
}

/// `GET /api/v1/me`: the signed-in user with their session's CSRF token, or the client.
struct MeView: Codable {
    let kind: String
    var user: UserView?
    var csrfToken: String?
    var sessionExpiresAt: Date?
    var client: ClientView?
}

struct SignedOutView: Codable {
    let sessionsEnded: Int
}

struct RegistrationPageView: Codable {
    let items: [RegistrationRequest]
    let next: UUID?
}

struct APITokenListView: Codable {
    let items: [APIToken]
}

struct CreatedAPITokenView: Codable {
    let id: UUID
    let name: String
    let scopes: [APIScope]
    let createdAt: Date
    let expiresAt: Date?
    /// The token itself, shown this once.
    let token: String
}
