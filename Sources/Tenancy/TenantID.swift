import Foundation

/// One imaging provider's identity: the value every tenant row carries in `tenant_id` and
/// the API sets as `portal.tenant_id` at the start of each transaction.
public struct TenantID: Hashable, Sendable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID) {
        self.uuid = uuid
    }

    /// Parses the canonical text form (`0b8e...-...`); fails with `invalidTenantID`.
    public init(parsing text: String) throws(TenancyError) {
        guard let uuid = UUID(uuidString: text) else {
            throw TenancyError(
                .invalidTenantID, "\"\(text.prefix(64))\" is not a tenant id (a UUID)")
        }
        self.uuid = uuid
    }

    /// Lower-case, hyphenated: the form PostgreSQL prints and `portal.current_tenant()` reads.
    public var description: String { self.uuid.uuidString.lowercased() }
}
