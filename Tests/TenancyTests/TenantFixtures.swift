import Foundation

/// One row in every table of schema `portal` for a tenant, inserted by the superuser.
///
/// The row-level security walk requires an entry here for every table the catalogue lists,
/// and at least one row per tenant in each: a new table without a fixture fails it.
struct TenantFixtures {
    let tenant = UUID()
    let organisation = UUID()
    let site = UUID()
    let user = UUID()
    let procedure = UUID()
    /// A second user, the delegate of `user`.
    let delegate = UUID()
    let slug: String

    init(slug: String) {
        self.slug = slug
    }

    /// Table name and the SQL that fills it, in foreign-key order.
    var tables: [(table: String, sql: String)] {
        let t = "'\(self.tenant.uuidString.lowercased())'"
        let org = "'\(self.organisation.uuidString.lowercased())'"
        let site = "'\(self.site.uuidString.lowercased())'"
        let user = "'\(self.user.uuidString.lowercased())'"
        let procedure = "'\(self.procedure.uuidString.lowercased())'"
        let delegate = "'\(self.delegate.uuidString.lowercased())'"
        let digest = "sha256(gen_random_uuid()::text::bytea)"
        return [
            (
                "tenants",
                "INSERT INTO portal.tenants (id, name, slug) VALUES (\(t), 'P', '\(self.slug)');"
            ),
            (
                "organisations",
                """
                INSERT INTO portal.organisations
                    (id, tenant_id, kind, ods_code, name, address_lines, town, postcode)
                VALUES (\(org), \(t), 'gp_practice', 'A81001', 'Practice', '{"1 High St"}',
                        'Leeds', 'LS1 4AP'),
                       (\(site), \(t), 'scanning_site', 'NT401', 'Site', '{"2 Low St"}', 'York',
                        'YO1 7HH');
                """
            ),
            (
                "users",
                """
                INSERT INTO portal.users (id, tenant_id, organisation_id, full_name, job_title,
                    email)
                VALUES (\(user), \(t), \(org), 'Dr Ada Smith', 'Consultant', 'ada.smith@nhs.net');
                """
            ),
            (
                "user_roles",
                """
                INSERT INTO portal.user_roles (tenant_id, user_id, role)
                VALUES (\(t), \(user), 'referrer');
                INSERT INTO portal.user_roles (tenant_id, user_id, role, site_id)
                VALUES (\(t), \(user), 'site_staff', \(site));
                INSERT INTO portal.user_roles (tenant_id, user_id, role, irmer_entitled_by,
                    irmer_entitled_from, irmer_modalities)
                VALUES (\(t), \(user), 'radiologist', 'Medical Director', '2024-01-01', '{PET-CT}');
                """
            ),
            (
                "arsac_licences",
                """
                INSERT INTO portal.arsac_licences (tenant_id, user_id, licence_number, holder_name,
                    issued_on, expires_on)
                VALUES (\(t), \(user), 'ARSAC-12345', 'Dr Ada Smith', '2024-01-01', '2029-01-01');
                """
            ),
            (
                "password_credentials",
                """
                INSERT INTO portal.password_credentials (tenant_id, user_id, password_hash)
                VALUES (\(t), \(user), '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g');
                """
            ),
            (
                "sign_in_challenges",
                """
                INSERT INTO portal.sign_in_challenges (tenant_id, user_id, token_hash, code_hash,
                    expires_at)
                VALUES (\(t), \(user), \(digest), \(digest), now() + interval '10 minutes');
                """
            ),
            (
                "sessions",
                """
                INSERT INTO portal.sessions (tenant_id, user_id, token_hash, csrf_token_hash,
                    absolute_expires_at, remote_address, user_agent)
                VALUES (\(t), \(user), \(digest), \(digest), now() + interval '12 hours',
                        '192.0.2.1', 'test');
                """
            ),
            (
                "registration_requests",
                """
                INSERT INTO portal.registration_requests (tenant_id, full_name, job_title,
                    work_address, work_email, work_phones, organisation_name,
                    organisation_ods_code, role_requested)
                VALUES (\(t), 'Dr Ben Jones', 'Registrar', '1 Hospital Rd', 'ben@nhs.net',
                        '{"0113 000 0000"}', 'Leeds Teaching Hospitals', 'RR8', 'referrer');
                """
            ),
            (
                "set_password_links",
                """
                INSERT INTO portal.set_password_links (tenant_id, user_id, purpose, token_hash,
                    expires_at)
                VALUES (\(t), \(user), 'invitation', \(digest), now() + interval '7 days');
                """
            ),
            (
                "api_tokens",
                """
                INSERT INTO portal.api_tokens (tenant_id, name, token_hash, scopes, created_by)
                VALUES (\(t), 'RIS', \(digest), '{referrals:read}', \(user));
                """
            ),
            (
                "sign_in_throttles",
                """
                INSERT INTO portal.sign_in_throttles (tenant_id, subject_kind, subject, failures)
                VALUES (\(t), 'account', 'ada.smith@nhs.net', 2), (\(t), 'address', '192.0.2.1', 2);
                """
            ),
            (
                "audit_events",
                """
                SELECT set_config('portal.tenant_id', \(t), false);
                INSERT INTO portal.audit_events (action, actor_user_id)
                VALUES ('fixture.created', \(user));
                RESET portal.tenant_id;
                """
            ),
            (
                "procedures",
                """
                INSERT INTO portal.procedures (tenant_id, id, snomed_ct_id, nicip_codes, name,
                    modality, modality_label, body_site, contrast, safety_questions)
                VALUES (\(t), \(procedure), '241641004', '{MKNEB}',
                        'Magnetic resonance imaging of knee', 'MRI',
                        'MRI', 'knee', 'none', '{mri}');
                """
            ),
            // Filled by the audit_events append above: the trigger creates the tenant's head.
            ("audit_chain_heads", ""),
            // Guarded while the outbox's migration (0005) may not have landed yet.
            (
                "outbox",
                """
                DO $outbox$ BEGIN
                    IF to_regclass('portal.outbox') IS NOT NULL THEN
                        INSERT INTO portal.outbox (tenant_id, channel, recipient, subject, body)
                        VALUES (\(t), 'email', 'ada.smith@nhs.net', 'Your referral', 'Accepted');
                    END IF;
                END $outbox$;
                """
            ),
            (
                "scanning_sites",
                """
                INSERT INTO portal.scanning_sites (tenant_id, organisation_id, postcode, latitude,
                    longitude, modalities, unit_kind, unit_manager_name, unit_manager_phone,
                    unit_manager_email)
                VALUES (\(t), \(site), 'YO1 7HH', 53.9623, -1.0819, '{MRI,CT}', 'static',
                        'Sam Carter', '01904 000000', 'sam.carter@nhs.net');
                """
            ),
            (
                "site_procedures",
                """
                INSERT INTO portal.site_procedures (tenant_id, site_id, procedure_id)
                VALUES (\(t), \(site), \(procedure));
                """
            ),
            (
                "patients",
                """
                INSERT INTO portal.patients (tenant_id, nhs_number, given_name, family_name,
                    date_of_birth, stated_gender, address_lines, town, postcode, gp_practice)
                VALUES (\(t), '9434765919', 'Ann', 'Example', '1960-01-31', '2', '{"1 High St"}',
                        'Leeds', 'LS1 4AP', 'B86001');
                """
            ),
            (
                "referral_delegations",
                """
                INSERT INTO portal.users (id, tenant_id, organisation_id, full_name, job_title,
                    email)
                VALUES (\(delegate), \(t), \(org), 'Nia Nurse', 'Nurse specialist',
                        'nia.nurse@nhs.net');
                INSERT INTO portal.referral_delegations (tenant_id, referrer_user_id,
                    delegate_user_id)
                VALUES (\(t), \(user), \(delegate));
                """
            ),
            ("safety_rules", "INSERT INTO portal.safety_rules (tenant_id) VALUES (\(t));"),
            (
                "referrals",
                """
                INSERT INTO portal.referrals (tenant_id, patient_id, referrer_user_id,
                    submitted_by_user_id, procedure_id, modality, urgency, preferred_site_id,
                    clinical_history, clinical_question, safety_answers)
                VALUES (\(t), (SELECT id FROM portal.patients WHERE tenant_id = \(t)), \(user),
                        \(user), \(procedure), 'MRI', 'routine', \(site), 'Knee pain.',
                        'Meniscal tear?', '{"mri": {}}');
                """
            ),
            (
                "patient_demographics_history",
                """
                INSERT INTO portal.patient_demographics_history (tenant_id, patient_id,
                    referral_id, given_name, family_name, date_of_birth, stated_gender,
                    address_lines, town, postcode, gp_practice, recorded_by)
                SELECT \(t), r.patient_id, r.id, 'Ann', 'Example', '1960-01-31', '2',
                       '{"1 High St"}', 'Leeds', 'LS1 4AP', 'B86001', \(user)
                FROM portal.referrals r WHERE r.tenant_id = \(t);
                """
            ),
            (
                "referral_events",
                """
                INSERT INTO portal.referral_events (tenant_id, referral_id, to_state,
                    actor_user_id)
                SELECT \(t), r.id, 'submitted', \(user)
                FROM portal.referrals r WHERE r.tenant_id = \(t);
                """
            ),
            (
                "idempotency_keys",
                """
                INSERT INTO portal.idempotency_keys (tenant_id, user_id, key, request_hash,
                    response_status, response_body)
                VALUES (\(t), \(user), 'fixture-key', \(digest), 201, '{}');
                """
            ),
        ]
    }

    /// All of it as one script.
    var script: String {
        self.tables.map(\.sql).joined(separator: "\n")
    }
}
