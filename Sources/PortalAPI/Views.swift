import Accounts
import Foundation

/// Response bodies, in the shapes the OpenAPI document's schemas describe.
/// Ids are written in lower case, as PostgreSQL prints them and RFC 9562 asks.
func lowercased(_ id: UUID) -> String {
    id.uuidString.lowercased()
}

struct UserView: Codable {
    let id: String
    let fullName: String
    let email: String
    let jobTitle: String
    let organisationID: String
    let roles: [String]

    init(_ user: SignedInUser) {
        self.id = lowercased(user.userID)
        self.fullName = user.fullName
        self.email = user.email
        self.jobTitle = user.jobTitle
        self.organisationID = lowercased(user.organisationID)
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
    let tokenID: String
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
    let items: [RegistrationView]
    let next: String?
}

struct RegistrationView: Codable {
    let id: String
    let fullName: String
    let jobTitle: String
    let workAddress: String
    let workEmail: String
    let workPhones: [String]
    let organisationID: String?
    let organisationOdsCode: String
    let organisationName: String
    let role: String
    let delegateKind: String?
    let state: String
    let createdAt: Date
    let decidedAt: Date?
    let decisionReason: String?
    let userID: String?

    init(_ request: RegistrationRequest) {
        self.id = lowercased(request.id)
        self.fullName = request.fullName
        self.jobTitle = request.jobTitle
        self.workAddress = request.workAddress
        self.workEmail = request.workEmail
        self.workPhones = request.workPhones
        self.organisationID = request.organisationID.map(lowercased)
        self.organisationOdsCode = request.organisationOdsCode
        self.organisationName = request.organisationName
        self.role = request.role.rawValue
        self.delegateKind = request.delegateKind?.rawValue
        self.state = request.state.rawValue
        self.createdAt = request.createdAt
        self.decidedAt = request.decidedAt
        self.decisionReason = request.decisionReason
        self.userID = request.userID.map(lowercased)
    }
}

struct APITokenView: Codable {
    let id: String
    let name: String
    let scopes: [String]
    let createdBy: String
    let createdAt: Date
    let expiresAt: Date?
    let lastUsedAt: Date?
    let revokedAt: Date?
    /// The token itself, only in the answer that created it.
    var token: String?

    init(_ token: APIToken, secret: String? = nil) {
        self.id = lowercased(token.id)
        self.name = token.name
        self.scopes = token.scopes.map(\.rawValue)
        self.createdBy = lowercased(token.createdBy)
        self.createdAt = token.createdAt
        self.expiresAt = token.expiresAt
        self.lastUsedAt = token.lastUsedAt
        self.revokedAt = token.revokedAt
        self.token = secret
    }
}

struct APITokenListView: Codable {
    let items: [APITokenView]
}
