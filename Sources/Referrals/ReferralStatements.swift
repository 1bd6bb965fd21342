import Foundation
import Postgres

/// Every statement of one create-referral transaction, in the order `Referrals.submit`
/// runs them, kept together so that the transaction can be read (and replayed by a
/// benchmark) in one place. Each runs after `set_config('portal.tenant_id', ...)`; the
/// audit append (Audit.AuditTrail) closes the transaction.
enum ReferralStatements {
    /// 1. Claims the idempotency key, or takes over one older than 24 hours. Waits while
    /// another transaction holds the key; returns a row only when this request owns it.
    static func claimKey(user: UUID, key: IdempotencyKey) -> PostgresQuery {
        """
        INSERT INTO portal.idempotency_keys AS k (tenant_id, user_id, key, request_hash)
        VALUES (portal.current_tenant(), \(user), \(key.key), \(key.requestHash))
        ON CONFLICT (tenant_id, user_id, key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, created_at = now(),
                response_status = NULL, response_body = NULL, record_path = NULL
            WHERE k.created_at < now() - interval '24 hours'
        RETURNING true
        """
    }

    /// 1b. The stored answer of a key another request claimed.
    static func storedKey(user: UUID, key: IdempotencyKey) -> PostgresQuery {
        """
        SELECT request_hash, response_status, response_body, record_path
        FROM portal.idempotency_keys
        WHERE user_id = \(user) AND key = \(key.key)
        """
    }

    /// 2. What the form names: the procedure, the site, the postcode, whether the referrer
    /// is one and the submitter may act for them, and the tenant's safety thresholds.
    /// Shortcoming: nothing manages `portal.referral_delegations` yet (no endpoint, no
    /// portalctl command); an operator inserts a referrer's delegates.
    static func facts(
        procedure: UUID?, site: UUID?, postcode: String?, referrer: UUID, submitter: UUID
    ) -> PostgresQuery {
        """
        SELECT p.id, p.name, p.modality, p.contrast,
               array_to_string(p.safety_questions, ','), p.active,
               EXISTS (SELECT FROM portal.scanning_sites s
                       WHERE s.organisation_id = \(site)::uuid AND s.active),
               EXISTS (SELECT FROM portal.site_procedures sp
                       WHERE sp.site_id = \(site)::uuid AND sp.procedure_id = \(procedure)::uuid),
               EXISTS (SELECT FROM reference.postcodes pc WHERE pc.postcode = \(postcode)::text),
               EXISTS (SELECT FROM portal.user_roles ur
                       JOIN portal.users u ON u.tenant_id = ur.tenant_id AND u.id = ur.user_id
                       WHERE ur.user_id = \(referrer) AND ur.role = 'referrer'
                         AND u.state = 'active'),
               \(referrer) = \(submitter) OR EXISTS (
                   SELECT FROM portal.referral_delegations d
                   JOIN portal.user_roles ur ON ur.tenant_id = d.tenant_id
                        AND ur.user_id = d.delegate_user_id AND ur.role = 'delegate'
                   WHERE d.referrer_user_id = \(referrer) AND d.delegate_user_id = \(submitter)
                     AND d.revoked_at IS NULL),
               r.egfr_review_below, r.egfr_maximum_age_days,
               r.pet_glucose_review_above::float8, r.table_limit_kg::float8,
               r.chemotherapy_review_days, r.radiotherapy_review_days
        FROM (VALUES (1)) AS one (x)
        LEFT JOIN portal.procedures p ON p.id = \(procedure)::uuid
        LEFT JOIN portal.safety_rules r ON true
        """
    }

    /// 3. The record of a known NHS number (most referrals are for a known patient).
    static func findPatient(_ nhsNumber: NHSNumber) -> PostgresQuery {
        """
        SELECT id, given_name, family_name, date_of_birth::text, stated_gender, phenotypic_sex,
               array_to_json(address_lines)::text, town, postcode, mobile, email, gp_practice
        FROM portal.patients
        WHERE nhs_number = \(nhsNumber.digits)
        """
    }

    /// 3b. Creates the patient for a new NHS number; no row when the tenant has one already
    /// (after waiting for a concurrent first referral for the same number to finish, whose
    /// record 3 then reads again).
    static func createPatient(_ patient: ValidPatient) -> PostgresQuery {
        """
        INSERT INTO portal.patients (
            tenant_id, nhs_number, given_name, family_name, date_of_birth, stated_gender,
            phenotypic_sex, address_lines, town, postcode, mobile, email, gp_practice)
        VALUES (portal.current_tenant(), \(patient.nhsNumber.digits), \(patient.givenName),
                \(patient.familyName), \(patient.dateOfBirth.iso)::date,
                \(patient.statedGender.rawValue), \(patient.phenotypicSex?.rawValue),
                ARRAY(SELECT jsonb_array_elements_text(\(Self.json(patient.addressLines))::jsonb)),
                \(patient.town), \(patient.postcode.value), \(patient.mobile), \(patient.email),
                \(patient.gpPractice))
        ON CONFLICT (tenant_id, nhs_number) DO NOTHING
        RETURNING id
        """
    }

    /// 3c. Brings a known patient's contact details up to date (identity agreed).
    static func updateContact(_ id: UUID, _ patient: ValidPatient) -> PostgresQuery {
        """
        UPDATE portal.patients
        SET address_lines = ARRAY(SELECT jsonb_array_elements_text(
                \(Self.json(patient.addressLines))::jsonb)),
            town = \(patient.town), postcode = \(patient.postcode.value),
            mobile = coalesce(\(patient.mobile), mobile),
            email = coalesce(\(patient.email), email),
            gp_practice = \(patient.gpPractice), updated_at = now()
        WHERE id = \(id)
        """
    }

    /// 4. The referral itself and the first event of its history, `submitted`.
    static func insertReferral(
        _ referral: ValidReferral, patient: UUID, referrer: UUID, submitter: UUID,
        onBehalfOf: UUID?, differences: [String]
    ) throws -> PostgresQuery {
        let safety = try ReferralJSON.text(referral.safety)
        let reasons = try ReferralJSON.text(referral.reviewReasons)
        return """
            WITH referral AS (
                INSERT INTO portal.referrals (
                    tenant_id, patient_id, referrer_user_id, submitted_by_user_id, procedure_id,
                    modality, urgency, preferred_site_id, clinical_history, clinical_question,
                    safety_answers, review_reasons, demographic_differences)
                VALUES (portal.current_tenant(), \(patient), \(referrer), \(submitter),
                        \(referral.procedure.id), \(referral.modality.rawValue),
                        \(referral.urgency.rawValue), \(referral.preferredSiteID),
                        \(referral.clinicalHistory), \(referral.clinicalQuestion),
                        \(safety)::jsonb, \(reasons)::jsonb,
                        ARRAY(SELECT jsonb_array_elements_text(\(Self.json(differences))::jsonb)))
                RETURNING id, created_at
            ), event AS (
                INSERT INTO portal.referral_events (
                    tenant_id, referral_id, from_state, to_state, actor_user_id,
                    on_behalf_of_user_id)
                SELECT portal.current_tenant(), id, NULL, 'submitted', \(submitter),
                       \(onBehalfOf)::uuid
                FROM referral
            )
            SELECT id, created_at FROM referral
            """
    }

    /// 5. The demographics as this referral stated them (new patient, or any difference).
    static func insertHistory(
        _ patient: ValidPatient, patientID: UUID, referral: UUID, differences: [String],
        by user: UUID
    ) -> PostgresQuery {
        """
        INSERT INTO portal.patient_demographics_history (
            tenant_id, patient_id, referral_id, given_name, family_name, date_of_birth,
            stated_gender, phenotypic_sex, address_lines, town, postcode, mobile, email,
            gp_practice, differences, recorded_by)
        VALUES (portal.current_tenant(), \(patientID), \(referral), \(patient.givenName),
                \(patient.familyName), \(patient.dateOfBirth.iso)::date,
                \(patient.statedGender.rawValue), \(patient.phenotypicSex?.rawValue),
                ARRAY(SELECT jsonb_array_elements_text(\(Self.json(patient.addressLines))::jsonb)),
                \(patient.town), \(patient.postcode.value), \(patient.mobile), \(patient.email),
                \(patient.gpPractice),
                ARRAY(SELECT jsonb_array_elements_text(\(Self.json(differences))::jsonb)),
                \(user))
        """
    }

    /// 6. The answer, kept with the key for replays.
    static func storeAnswer(
        user: UUID, key: IdempotencyKey, status: Int, body: String, path: String
    ) -> PostgresQuery {
        """
        UPDATE portal.idempotency_keys
        SET response_status = \(status), response_body = \(body), record_path = \(path)
        WHERE user_id = \(user) AND key = \(key.key)
        """
    }

    /// A JSON array of strings, which the statements turn into a text[].
    static func json(_ strings: [String]) -> String {
        (try? ReferralJSON.text(strings)) ?? "[]"
    }
}
