import Foundation
import Referrals
import Security
import Testing

/// What referral tests need beyond the harness's seed: a catalogue, a scanning site that
/// offers most of it, postcodes, a delegate of the harness's referrer, a colleague who
/// refers too, and a referrer in the other tenant. Written as the superuser.
struct ReferralWorld: Sendable {
    let harness: PortalHarness
    let site = UUID()
    let otherSite = UUID()
    let mriKnee = UUID()
    let mriLiver = UUID()
    let petCT = UUID()
    let ctChest = UUID()
    /// In the catalogue, but the site does not offer it.
    let notOffered = UUID()
    let otherTenantProcedure = UUID()
    let delegate = PortalHarness.Person(id: UUID(), email: "mdt.coordinator@nhs.test")
    let colleague = PortalHarness.Person(id: UUID(), email: "dr.colleague@nhs.test")
    let otherReferrer = PortalHarness.Person(id: UUID(), email: "dr.other@other.test")

    static func seed(_ harness: PortalHarness) async throws -> ReferralWorld {
        let world = ReferralWorld(harness: harness)
        let hash = try PasswordHasher(parameters: PortalHarness.fastHashing)
            .hash(PortalHarness.password)
        try await harness.sql(world.sql(hash: hash))
        return world
    }

    private func sql(hash: String) -> String {
        let t = "'\(self.harness.tenant)'"
        let o = "'\(self.harness.otherTenant)'"
        func q(_ id: UUID) -> String { "'\(id.uuidString.lowercased())'" }
        let organisation =
            "(SELECT id FROM portal.organisations WHERE tenant_id = \(t) "
            + "AND kind = 'referring_organisation')"
        let otherOrganisation =
            "(SELECT id FROM portal.organisations WHERE tenant_id = \(o) "
            + "AND kind = 'referring_organisation')"
        return """
            INSERT INTO reference.postcode_sources (source, title, licence, licence_url,
                attribution, postcodes)
            VALUES ('codepoint', 'Code-Point Open', 'Open Government Licence v3.0',
                    'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
                    ARRAY['Contains OS data (c) Crown copyright and database right 2025'], 3);
            INSERT INTO reference.postcodes (postcode, positional_quality, latitude, longitude,
                source)
            VALUES ('LS1 4AP', 10, 53.7960, -1.5470, 'codepoint'),
                   ('SE1 7EH', 10, 51.4980, -0.1180, 'codepoint'),
                   ('YO1 7HH', 10, 53.9623, -1.0819, 'codepoint');
            INSERT INTO portal.organisations
                (id, tenant_id, kind, ods_code, name, address_lines, town, postcode)
            VALUES (\(q(self.site)), \(t), 'scanning_site', 'NT401', 'York Imaging Centre',
                    '{"2 Low St"}', 'York', 'YO1 7HH'),
                   (\(q(self.otherSite)), \(o), 'scanning_site', 'NT402', 'Other Centre',
                    '{"3 Mid St"}', 'Leeds', 'LS1 4AP');
            INSERT INTO portal.scanning_sites (tenant_id, organisation_id, postcode, latitude,
                longitude, modalities, unit_kind, unit_manager_name, unit_manager_phone,
                unit_manager_email)
            VALUES (\(t), \(q(self.site)), 'YO1 7HH', 53.9623, -1.0819, '{MRI,CT,PET-CT}',
                    'static', 'Sam Carter', '01904 000000', 'sam.carter@nhs.test'),
                   (\(o), \(q(self.otherSite)), 'LS1 4AP', 53.7960, -1.5470, '{MRI}',
                    'static', 'Kim Lee', '0113 000 0000', 'kim.lee@nhs.test');
            INSERT INTO portal.procedures (tenant_id, id, snomed_ct_id, name, modality,
                modality_label, body_site, contrast, safety_questions)
            VALUES (\(t), \(q(self.mriKnee)), '241641004', 'MRI of knee', 'MRI', 'MRI', 'knee',
                    'none', '{mri}'),
                   (\(t), \(q(self.mriLiver)), '241620005', 'MRI of liver with contrast', 'MRI',
                    'MRI', 'liver', 'gadolinium', '{mri,contrast}'),
                   (\(t), \(q(self.petCT)), '443271005', 'PET-CT whole body FDG', 'PET-CT',
                    'PET-CT (FDG)', 'whole body', 'none', '{pet,ionising}'),
                   (\(t), \(q(self.ctChest)), '169069000', 'CT of chest with contrast', 'CT',
                    'CT', 'chest', 'iodinated', '{contrast,ionising}'),
                   (\(t), \(q(self.notOffered)), '399331006', 'DEXA scan of hip', 'DEXA',
                    'DEXA', 'hip', 'none', '{ionising}'),
                   (\(o), \(q(self.otherTenantProcedure)), '241641004', 'MRI of knee', 'MRI',
                    'MRI', 'knee', 'none', '{mri}');
            INSERT INTO portal.site_procedures (tenant_id, site_id, procedure_id)
            VALUES (\(t), \(q(self.site)), \(q(self.mriKnee))),
                   (\(t), \(q(self.site)), \(q(self.mriLiver))),
                   (\(t), \(q(self.site)), \(q(self.petCT))),
                   (\(t), \(q(self.site)), \(q(self.ctChest))),
                   (\(o), \(q(self.otherSite)), \(q(self.otherTenantProcedure)));
            INSERT INTO portal.users (id, tenant_id, organisation_id, full_name, job_title, email,
                state)
            VALUES (\(q(self.delegate.id)), \(t), \(organisation), 'Mo Coordinator',
                    'MDT co-ordinator', '\(self.delegate.email)', 'active'),
                   (\(q(self.colleague.id)), \(t), \(organisation), 'Cat Colleague',
                    'Consultant radiologist', '\(self.colleague.email)', 'active'),
                   (\(q(self.otherReferrer.id)), \(o), \(otherOrganisation), 'Olu Other',
                    'Consultant', '\(self.otherReferrer.email)', 'active');
            INSERT INTO portal.user_roles (tenant_id, user_id, role, delegate_kind)
            VALUES (\(t), \(q(self.delegate.id)), 'delegate', 'mdt_coordinator'),
                   (\(t), \(q(self.colleague.id)), 'referrer', NULL),
                   (\(o), \(q(self.otherReferrer.id)), 'referrer', NULL);
            INSERT INTO portal.password_credentials (tenant_id, user_id, password_hash)
            VALUES (\(t), \(q(self.delegate.id)), '\(hash)'),
                   (\(t), \(q(self.colleague.id)), '\(hash)'),
                   (\(o), \(q(self.otherReferrer.id)), '\(hash)');
            INSERT INTO portal.referral_delegations (tenant_id, referrer_user_id, delegate_user_id)
            VALUES (\(t), \(q(self.harness.referrer.id)), \(q(self.delegate.id)));
            """
    }

    /// A complete MRI knee referral for a patient (Ann Example by default).
    func form(
        nhsNumber: String = "943 476 5919", givenName: String = "Ann",
        familyName: String = "Example", dateOfBirth: String = "1960-01-31",
        procedure: UUID? = nil, urgency: String = "routine"
    ) -> ReferralForm {
        ReferralForm(
            patient: PatientForm(
                nhsNumber: nhsNumber, givenName: givenName, familyName: familyName,
                dateOfBirth: dateOfBirth, statedGender: "2",
                address: AddressForm(lines: ["1 High Street"], town: "Leeds", postcode: "LS1 4AP"),
                mobile: "07700 900123", gpPractice: "B86001"),
            clinicalHistory: "Locking of the right knee after a twisting injury.",
            clinicalQuestion: "Meniscal tear?", modality: "MRI",
            procedureID: (procedure ?? self.mriKnee).uuidString.lowercased(), urgency: urgency,
            preferredSiteID: self.site.uuidString.lowercased(),
            safety: SafetyForm(
                mri: MRIAnswers(
                    pacemakerOrICD: false, cochlearImplant: false, aneurysmClips: false,
                    metalInEyes: false, otherImplants: false, claustrophobia: false)))
    }

    /// The exact bytes sent for `form` (sorted keys), so a retry can send the same again.
    static func body(_ form: ReferralForm) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(form))
    }

    /// POSTs `form` with an Idempotency-Key (a new one unless given).
    static func submit(
        _ client: PortalClient, _ form: ReferralForm, key: String = UUID().uuidString
    ) async throws -> PortalClient.Response {
        try await client.send(
            "POST", "/api/v1/referrals",
            headers: ["Content-Type": "application/json", "Idempotency-Key": key],
            body: try Self.body(form))
    }

    /// One value of the database, as the superuser.
    func value(_ query: String) async throws -> String {
        try await self.harness.sql(query)
    }
}
