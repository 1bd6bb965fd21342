import Foundation
import Postgres

/// Resolves a portal's slug to its tenant through `portal.tenant_id_for_slug`, the one
/// lookup that runs before a tenant is set (it reveals nothing but the id of an exact slug).
enum TenantDirectory {
    static func lookUp(
        slug: String,
        _ run: (PostgresQuery) async throws(PostgresError) -> PostgresRows
    ) async throws(TenancyError) -> TenantID {
        guard Self.isPossibleSlug(slug) else {
            throw TenancyError(.invalidSlug, "\"\(slug.prefix(64))\" is not a tenant slug")
        }

        let rows: PostgresRows
        do {
            rows = try await run("SELECT portal.tenant_id_for_slug(\(slug))")
        } catch {
            throw TenancyError(.database, "could not look up tenant \"\(slug)\"", underlying: error)
        }
        guard let row = rows.first, let uuid = try? row.decode(UUID?.self, at: 0) else {
            throw TenancyError(.unknownTenant, "no tenant has the slug \"\(slug)\"")
        }
        return TenantID(uuid)
    }

    /// The shape the tenants table allows: lower-case letters, digits and inner hyphens.
    static func isPossibleSlug(_ slug: String) -> Bool {
        let bytes = Array(slug.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"),
            bytes.last != UInt8(ascii: "-")
        else {
            return false
        }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }
}

extension TenantID {
    /// Whether `slug` has the shape of a tenant slug: 1 to 63 lower-case letters, digits and
    /// inner hyphens, as the portal's host name label uses it.
    public static func isValidSlug(_ slug: String) -> Bool {
        TenantDirectory.isPossibleSlug(slug)
    }
}
