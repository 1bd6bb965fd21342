import Foundation

/// A user signed in through a session: who they are and what they may do.
public struct SignedInUser: Sendable {
    public let userID: UUID
    public let sessionID: UUID
    public let fullName: String
    public let email: String
    public let jobTitle: String
    public let organisationID: UUID
    public let roles: [Role]
    /// When the session ends however busy it is.
    public let absoluteExpiry: Date
    /// SHA-256 of the session's CSRF token, to check `X-CSRF-Token` against.
    public let csrfTokenHash: [UInt8]

    public func has(_ role: Role) -> Bool {
        self.roles.contains(role)
    }
}

/// A system client signed in with an API token.
public struct APIClient: Sendable {
    public let tokenID: UUID
    public let name: String
    public let scopes: [APIScope]
}

/// Whoever made an authenticated request.
public enum Principal: Sendable {
    case user(SignedInUser)
    case client(APIClient)
}
