import Foundation

/// A system client's API token as listed: never the token itself, which is shown once.
public struct APIToken: Sendable, Codable, Equatable {
    public let id: UUID
    public let name: String
    public let scopes: [APIScope]
    public let createdBy: UUID
    public let createdAt: Date
    public let expiresAt: Date?
    public let lastUsedAt: Date?
    public let revokedAt: Date?
}

/// What a tenant administrator asks for when creating a token.
public struct APITokenRequest: Sendable, Codable {
    public var name: String?
    public var scopes: [String]?
    /// Days until the token stops working; nil for a token that works until revoked.
    public var expiresInDays: Int?

    public init(name: String? = nil, scopes: [String]? = nil, expiresInDays: Int? = nil) {
        self.name = name
        self.scopes = scopes
        self.expiresInDays = expiresInDays
    }

    /// The request checked field by field: every problem is named, not just the first.
    func validated() throws(AccountsError) -> (name: String, scopes: [APIScope], days: Int?) {
        var fields: [AccountsError.Field] = []
        let name = self.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty || name.count > 100 {
            fields.append(.init("/name", "must be 1 to 100 characters"))
        }

        var scopes: [APIScope] = []
        let sent = self.scopes ?? []
        if sent.isEmpty { fields.append(.init("/scopes", "must name at least one scope")) }
        for (index, text) in sent.enumerated() {
            guard let scope = APIScope(rawValue: text) else {
                let known = APIScope.allCases.map(\.rawValue).joined(separator: ", ")
                fields.append(.init("/scopes/\(index)", "must be one of: \(known)"))
                continue
            }
            if !scopes.contains(scope) { scopes.append(scope) }
        }

        if let days = self.expiresInDays, !(1...730).contains(days) {
            fields.append(.init("/expiresInDays", "must be from 1 to 730"))
        }
        guard fields.isEmpty else { throw AccountsError.invalid(fields) }
        return (name, scopes, self.expiresInDays)
    }
}
