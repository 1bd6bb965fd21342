import Foundation
import Testing

@testable import Tenancy

@Suite("Tenant ids and slugs")
struct TenantIDTests {
    @Test("a tenant id prints as PostgreSQL prints a uuid")
    func canonicalText() throws {
        let tenant = try TenantID(parsing: "0B8E8F6E-4C1A-4F5E-9D3B-1A2B3C4D5E6F")
        #expect(tenant.description == "0b8e8f6e-4c1a-4f5e-9d3b-1a2b3c4d5e6f")
    }

    @Test("text that is not a UUID is refused with invalidTenantID")
    func invalid() {
        for text in ["", "tenant-a", "0b8e8f6e-4c1a-4f5e-9d3b", "'; DROP TABLE x; --"] {
            #expect(throws: TenancyError.self) { try TenantID(parsing: text) }
            do {
                _ = try TenantID(parsing: text)
            } catch {
                #expect(error.code == .invalidTenantID)
            }
        }
    }

    @Test(
        "slugs have the tenants table's shape",
        arguments: [
            ("alliance", true), ("north-west-2", true), ("a", true), ("", false), ("-a", false),
            ("a-", false), ("Alliance", false), ("a.b", false),
            (String(repeating: "a", count: 64), false),
        ])
    func slugShape(slug: String, possible: Bool) {
        #expect(TenantDirectory.isPossibleSlug(slug) == possible)
    }
}
