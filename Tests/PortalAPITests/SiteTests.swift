import Foundation
import Testing

extension PortalAPISuites {
    /// Scanning sites over HTTP: the nearest offering a procedure, the tenant's list, the
    /// postcode data's attribution with both, and problems naming the query parameter.
    @Suite("Sites")
    struct SiteTests {
        static let knee = "7c8a0a55-4f0e-4a43-9d5e-0c3b1e6b9a01"
        static let pet = "7c8a0a55-4f0e-4a43-9d5e-0c3b1e6b9a02"
        static let otherKnee = "7c8a0a55-4f0e-4a43-9d5e-0c3b1e6b9a03"

        /// Postcodes (OSTN15 positions of their Code-Point Open grid references), two
        /// procedures, two sites of the harness's tenant (one inactive) and one of the other
        /// tenant, nearer the patient than either.
        static func seed(_ harness: PortalHarness) async throws {
            let tenant = harness.tenant.description
            let other = harness.otherTenant.description
            try await harness.sql(
                """
                INSERT INTO reference.postcode_sources (source, title, licence, licence_url,
                    attribution, postcodes)
                VALUES ('codepoint', 'Ordnance Survey Code-Point Open',
                        'Open Government Licence v3.0',
                        'https://www.nationalarchives.gov.uk/doc/open-government-licence/'
                        'version/3/',
                        ARRAY['Contains OS data © Crown copyright and database right 2025',
                              'Contains Royal Mail data © Royal Mail copyright and database '
                              'right 2025'],
                        5);
                INSERT INTO reference.postcodes (postcode, positional_quality, latitude, longitude,
                    source)
                VALUES ('LS1 4AP', 10, 53.795472, -1.555729, 'codepoint'),
                       ('LS9 7TF', 10, 53.806885, -1.520363, 'codepoint'),
                       ('YO31 8HE', 10, 53.968970, -1.084294, 'codepoint'),
                       ('LS2 9JT', 10, 53.8030, -1.5530, 'codepoint'),
                       ('AB43 1AG', 90, NULL, NULL, 'codepoint');
                INSERT INTO portal.procedures (tenant_id, id, snomed_ct_id, name, modality,
                    modality_label, body_site)
                VALUES ('\(tenant)', '\(Self.knee)', '241641004', 'MRI of knee', 'MRI', 'MRI',
                        'knee'),
                       ('\(tenant)', '\(Self.pet)', '443271005', 'FDG PET-CT', 'PET-CT',
                        'PET-CT (FDG)', 'whole body'),
                       ('\(other)', '\(Self.otherKnee)', '241641004', 'MRI of knee', 'MRI', 'MRI',
                        'knee');
                WITH sites (tenant_id, ods, name, postcode, latitude, longitude, active) AS (
                    VALUES ('\(tenant)'::uuid, 'DMO01', 'Leeds MRI', 'LS9 7TF', 53.806885,
                            -1.520363, true),
                           ('\(tenant)'::uuid, 'DMO16', 'York Mobile MRI', 'YO31 8HE', 53.968970,
                            -1.084294, true),
                           ('\(tenant)'::uuid, 'DMO17', 'Closed MRI', 'LS2 9JT', 53.8030,
                            -1.5530, false),
                           ('\(other)'::uuid, 'OTH01', 'Other Leeds MRI', 'LS2 9JT', 53.8030,
                            -1.5530, true)
                ),
                organisations AS (
                    INSERT INTO portal.organisations (tenant_id, kind, ods_code, name,
                        address_lines, town, postcode)
                    SELECT tenant_id, 'scanning_site', ods, name, '{"Hospital Road"}', 'Leeds',
                           postcode
                    FROM sites
                    RETURNING tenant_id, id, ods_code
                ),
                stored AS (
                    INSERT INTO portal.scanning_sites (tenant_id, organisation_id, postcode,
                        latitude, longitude, modalities, unit_kind, unit_manager_name,
                        unit_manager_phone, unit_manager_email, active)
                    SELECT o.tenant_id, o.id, s.postcode, s.latitude, s.longitude, '{MRI}',
                           'static', 'Sam Carter', '0113 496 0000', 'sam@imaging.example',
                           s.active
                    FROM organisations o JOIN sites s ON s.ods = o.ods_code
                    RETURNING tenant_id, organisation_id
                )
                INSERT INTO portal.site_procedures (tenant_id, site_id, procedure_id)
                SELECT tenant_id, organisation_id,
                       CASE WHEN tenant_id = '\(tenant)' THEN '\(Self.knee)'::uuid
                            ELSE '\(Self.otherKnee)'::uuid END
                FROM stored;
                """)
        }

        @Test("nearest sites: the tenant's active sites offering it, with miles and licence")
        func nearest() async throws {
            try await PortalHarness.with { harness in
                try await Self.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()

                let found = try await referrer.get(
                    "/api/v1/sites/nearest?postcode=ls1+4ap&procedure=\(Self.knee)")
                #expect(found.status == 200, "\(found.text)")
                #expect(found.json["postcode"] as? String == "LS1 4AP")
                let items = try #require(found.json["items"] as? [[String: Any]])
                let sites = items.compactMap { $0["site"] as? [String: Any] }
                #expect(sites.compactMap { $0["odsCode"] as? String } == ["DMO01", "DMO16"])
                // 1.645 mi worked by hand in ReferralsTests' NearestSitesTests; 1.6 rounded.
                #expect(items.first?["miles"] as? Double == 1.6)
                let attribution = try #require(found.json["attribution"] as? [String: Any])
                #expect(attribution["licence"] as? String == "Open Government Licence v3.0")
                let lines = attribution["lines"] as? [String] ?? []
                #expect(lines.contains { $0.hasPrefix("Contains OS data © Crown copyright") })
                #expect(lines.contains { $0.hasPrefix("Contains Royal Mail data") })

                let none = try await referrer.get(
                    "/api/v1/sites/nearest?postcode=LS1%204AP&procedure=\(Self.pet)")
                #expect(none.status == 200)
                #expect((none.json["items"] as? [Any])?.isEmpty == true)

                let listed = try await referrer.get("/api/v1/sites")
                #expect(listed.status == 200)
                let all = listed.json["items"] as? [[String: Any]] ?? []
                #expect(all.compactMap { $0["odsCode"] as? String } == ["DMO17", "DMO01", "DMO16"])
                #expect(listed.json["attribution"] != nil)

                // Every member sent is documented, and every documented one is sent.
                let document = try await OpenAPITests.document(harness)
                let schemas =
                    (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
                func properties(_ name: String) -> Set<String> {
                    let schema = schemas?[name] as? [String: Any]
                    return Set((schema?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
                }
                #expect(Set(found.json.keys) == properties("NearestSites"))
                #expect(Set(items[0].keys) == properties("NearbySite"))
                #expect(Set(sites[0].keys) == properties("Site"))
                #expect(Set(attribution.keys) == properties("PostcodeAttribution"))
                #expect(Set(listed.json.keys) == properties("SiteList"))
            }
        }

        @Test("postcode and procedure problems name the parameter; sign-in is required")
        func problems() async throws {
            try await PortalHarness.with { harness in
                try await Self.seed(harness)
                let referrer = try await harness.signIn(harness.referrer.email).authenticated()
                func ask(_ query: String) async throws -> PortalClient.Response {
                    try await referrer.get("/api/v1/sites/nearest?\(query)")
                }

                let malformed = try await ask("postcode=LS1&procedure=\(Self.knee)")
                #expect(malformed.status == 400 && malformed.fieldPointers == ["postcode"])
                let unknown = try await ask("postcode=LS1+9ZZ&procedure=\(Self.knee)")
                #expect(unknown.status == 422 && unknown.fieldPointers == ["postcode"])
                #expect(unknown.problemType == "urn:imaging-portal:problem:unknown-postcode")
                let unplaced = try await ask("postcode=AB43+1AG&procedure=\(Self.knee)")
                #expect(
                    unplaced.problemType
                        == "urn:imaging-portal:problem:postcode-without-position")
                let foreign = try await ask("postcode=LS1+4AP&procedure=\(Self.otherKnee)")
                #expect(foreign.status == 422 && foreign.fieldPointers == ["procedure"])
                #expect(foreign.problemType == "urn:imaging-portal:problem:unknown-procedure")
                let missing = try await ask("procedure=x&colour=red")
                #expect(missing.status == 400)
                #expect(Set(missing.fieldPointers) == ["postcode", "procedure", "colour"])
                #expect(malformed.header("Content-Type") == "application/problem+json")

                let anonymous = try await harness.client().get(
                    "/api/v1/sites/nearest?postcode=LS1+4AP&procedure=\(Self.knee)")
                #expect(anonymous.status == 401)
            }
        }
    }
}
