import Foundation
import Testing

@testable import Referrals

/// The thresholds a tenant without a row of its own gets are the column defaults of
/// `portal.safety_rules`, so the code and the migration cannot drift apart.
@Suite struct SafetyThresholdsTests {
    @Test("SafetyThresholds() equals the safety_rules column defaults")
    func defaults() async throws {
        let database = try await CatalogueDatabase.migrated()
        let tenant = UUID().uuidString.lowercased()
        let row = try await database.psql(
            """
            INSERT INTO portal.tenants (id, name, slug) VALUES ('\(tenant)', 'T', 'thresholds');
            INSERT INTO portal.safety_rules (tenant_id) VALUES ('\(tenant)')
            RETURNING egfr_review_below, egfr_maximum_age_days, pet_glucose_review_above::float8,
                      table_limit_kg::float8, chemotherapy_review_days, radiotherapy_review_days;
            """)
        let defaults = SafetyThresholds()
        let expected = [
            "\(defaults.egfrReviewBelow)", "\(defaults.egfrMaximumAgeDays)",
            "\(defaults.petGlucoseReviewAbove)".replacingOccurrences(of: ".0", with: ""),
            "\(defaults.tableLimitKg)".replacingOccurrences(of: ".0", with: ""),
            "\(defaults.chemotherapyReviewDays)", "\(defaults.radiotherapyReviewDays)",
        ]
        #expect(row.split(separator: "|").map(String.init) == expected)
    }
}
