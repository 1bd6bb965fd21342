import Foundation
import Postgres

/// A registration request as a tenant administrator sees it.
public struct RegistrationRequest: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case pending, approved, declined
    }

    public let id: UUID
    public let fullName: String
    public let jobTitle: String
    public let workAddress: String
    public let workEmail: String
    public let workPhones: [String]
    /// The organisation, when the provider knows it; otherwise the name typed.
    public let organisationID: UUID?
    public let organisationOdsCode: String
    public let organisationName: String
    public let role: Role
    public let delegateKind: DelegateKind?
    public let state: State
    public let createdAt: Date
    public let decidedAt: Date?
    public let decisionReason: String?
    /// The account made on approval.
    public let userID: UUID?

    /// Reads a row of the columns the registration statements select, in their order.
    init(row: PostgresRow) throws {
        let (id, name, title, address, email, phones, organisation, ods, organisationName) =
            try row.decode(
                (UUID, String, String, String, String, String, UUID?, String, String).self,
                columns: 0..<9)
        self.id = id
        self.fullName = name
        self.jobTitle = title
        self.workAddress = address
        self.workEmail = email
        self.workPhones = try JSONDecoder().decode([String].self, from: Data(phones.utf8))
        self.organisationID = organisation
        self.organisationOdsCode = ods
        self.organisationName = organisationName
        self.role = Role(rawValue: try row.decode(String.self, at: 9)) ?? .referrer
        self.delegateKind = try row.decode(String?.self, at: 10).flatMap(DelegateKind.init)
        self.state = State(rawValue: try row.decode(String.self, at: 11)) ?? .pending
        self.createdAt = try row.decode(Date.self, at: 12)
        self.decidedAt = try row.decode(Date?.self, at: 13)
        self.decisionReason = try row.decode(String?.self, at: 14)
        self.userID = try row.decode(UUID?.self, at: 15)
    }
}

extension PostgresRow {
    /// Decodes the columns in `range` into a tuple.
    fileprivate func decode<each Value: PostgresDecodable>(
        _ types: (repeat each Value).Type, columns range: Range<Int>
    ) throws(PostgresError) -> (repeat each Value) {
        var column = range.lowerBound
        func next<Element: PostgresDecodable>(
            _ type: Element.Type
        ) throws(PostgresError) -> Element {
            defer { column += 1 }
            return try self.decode(type, at: column)
        }
        return (repeat try next((each Value).self))
    }
}
