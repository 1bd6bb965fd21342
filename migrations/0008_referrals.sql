-- Referrals: patients and their demographic history, referrals with their safety answers
-- and review flags, the events of each referral, who may refer on whose behalf, the
-- tenant's safety thresholds, and the idempotency keys that make submission safe to retry.
--
-- Inside a tenant the NHS number identifies the patient: patients has one row per NHS
-- number, created by the first referral with INSERT ... ON CONFLICT on that unique key, so
-- concurrent first referrals for one patient end with one row. A later referral whose name,
-- date of birth or stated gender disagree with the record is accepted and flagged for
-- demographic review; the record itself is never overwritten from a referral (a person
-- decides), and what each referral stated is kept in patient_demographics_history.

SET LOCAL ROLE portal_owner;

CREATE TABLE portal.patients (
    tenant_id       uuid NOT NULL REFERENCES portal.tenants (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    -- Ten digits whose last is the Modulus 11 check digit (checked by the API as well).
    nhs_number      text NOT NULL CHECK (nhs_number ~ '^[0-9]{10}$'),
    given_name      text NOT NULL CHECK (length(btrim(given_name)) BETWEEN 1 AND 100),
    family_name     text NOT NULL CHECK (length(btrim(family_name)) BETWEEN 1 AND 100),
    date_of_birth   date NOT NULL,
    -- NHS Data Dictionary PERSON STATED GENDER CODE and PERSON PHENOTYPIC SEX.
    stated_gender   text NOT NULL CHECK (stated_gender IN ('1', '2', '9', 'X')),
    phenotypic_sex  text CHECK (phenotypic_sex IN ('1', '2', '9')),
    address_lines   text[] NOT NULL CHECK (
                        cardinality(address_lines) BETWEEN 1 AND 4
                        AND array_position(address_lines, NULL) IS NULL),
    town            text NOT NULL CHECK (length(btrim(town)) BETWEEN 1 AND 100),
    postcode        text NOT NULL CHECK (
                        postcode ~ '^([A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA)$'),
    -- A UK mobile in E.164, and an e-mail address; without either the patient is written to
    -- by post only, which letters_only records for every later notification.
    mobile          text CHECK (mobile ~ '^\+447[0-9]{9}$'),
    email           text CHECK (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    letters_only    boolean GENERATED ALWAYS AS (mobile IS NULL AND email IS NULL) STORED,
    -- The registered GP practice's ODS code.
    gp_practice     text NOT NULL CHECK (gp_practice ~ '^[A-Z][0-9]{5}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, nhs_number)
);
CREATE INDEX patients_family_name ON portal.patients (tenant_id, lower(family_name));

-- The demographics as each referral stated them whenever they differ from the record (and
-- the first statement, which made the record): nothing a referrer said is lost, and a
-- reviewer sees exactly what disagreed.
CREATE TABLE portal.patient_demographics_history (
    tenant_id      uuid NOT NULL REFERENCES portal.tenants (id),
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    patient_id     uuid NOT NULL,
    -- The referral that stated them.
    referral_id    uuid NOT NULL,
    given_name     text NOT NULL,
    family_name    text NOT NULL,
    date_of_birth  date NOT NULL,
    stated_gender  text NOT NULL,
    phenotypic_sex text,
    address_lines  text[] NOT NULL,
    town           text NOT NULL,
    postcode       text NOT NULL,
    mobile         text,
    email          text,
    gp_practice    text NOT NULL,
    -- Which of the record's fields this statement disagreed with (empty for the first).
    differences    text[] NOT NULL DEFAULT '{}',
    recorded_by    uuid NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, patient_id) REFERENCES portal.patients (tenant_id, id),
    FOREIGN KEY (tenant_id, recorded_by) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX patient_demographics_history_patient
    ON portal.patient_demographics_history (tenant_id, patient_id, recorded_at);

-- Who may refer on whose behalf: a referrer names the delegates (MDT co-ordinators, clinical
-- nurse specialists) who may submit referrals for them. Withdrawn by stamping revoked_at.
-- The roles themselves are checked when a delegate submits (the delegate must hold the
-- delegate role and the referrer the referrer role at that moment).
CREATE TABLE portal.referral_delegations (
    tenant_id        uuid NOT NULL REFERENCES portal.tenants (id),
    referrer_user_id uuid NOT NULL,
    delegate_user_id uuid NOT NULL,
    granted_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz,
    PRIMARY KEY (tenant_id, referrer_user_id, delegate_user_id),
    CHECK (referrer_user_id <> delegate_user_id),
    CHECK (revoked_at IS NULL OR revoked_at >= granted_at),
    FOREIGN KEY (tenant_id, referrer_user_id) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, delegate_user_id) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX referral_delegations_delegate
    ON portal.referral_delegations (tenant_id, delegate_user_id);

-- The tenant's thresholds for the safety rules; a tenant without a row uses these column
-- defaults (the API holds the same values, in SafetyThresholds). The defaults:
--   egfr_review_below 30       eGFR under 30 mL/min/1.73 m² is the level below which the
--                              RCR and the ESUR advise a clinical decision before
--                              iodinated contrast, and gadolinium is used only if essential
--                              (NSF risk).
--   egfr_maximum_age_days 90   a result older than three months no longer describes an
--                              outpatient's kidney function reliably.
--   pet_glucose_review_above 11.0   mmol/L (about 200 mg/dL): the EANM FDG guideline's level
--                              above which uptake is impaired and the scan is reconsidered.
--   table_limit_kg 200         a common PET-CT and CT table limit; set it to the tenant's
--                              smallest table.
--   chemotherapy_review_days 21     EANM: FDG PET at least about three weeks after a cycle
--                              of chemotherapy, to avoid marrow and inflammatory uptake.
--   radiotherapy_review_days 84     and about twelve weeks after radiotherapy.
-- What stops a referral outright is not a threshold: a pacemaker or ICD not stated to be
-- MR-conditional for MRI, and a pregnant patient referred for ionising radiation without a
-- justification (IR(ME)R); every other concern flags the referral for a radiologist.
CREATE TABLE portal.safety_rules (
    tenant_id                uuid PRIMARY KEY REFERENCES portal.tenants (id),
    egfr_review_below        integer NOT NULL DEFAULT 30
                                 CHECK (egfr_review_below BETWEEN 0 AND 200),
    egfr_maximum_age_days    integer NOT NULL DEFAULT 90
                                 CHECK (egfr_maximum_age_days BETWEEN 1 AND 3650),
    pet_glucose_review_above numeric(4, 1) NOT NULL DEFAULT 11.0
                                 CHECK (pet_glucose_review_above BETWEEN 1 AND 50),
    table_limit_kg           numeric(5, 1) NOT NULL DEFAULT 200
                                 CHECK (table_limit_kg BETWEEN 50 AND 500),
    chemotherapy_review_days integer NOT NULL DEFAULT 21
                                 CHECK (chemotherapy_review_days BETWEEN 0 AND 365),
    radiotherapy_review_days integer NOT NULL DEFAULT 84
                                 CHECK (radiotherapy_review_days BETWEEN 0 AND 365),
    updated_by               uuid,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES portal.users (tenant_id, id)
);

-- One referral. The referrer is the clinician responsible; submitted_by is whoever pressed
-- submit (the referrer, or a delegate acting for them). The workflow's later columns
-- (appointment, report dates, closure) are here from the start and filled by later steps.
CREATE TABLE portal.referrals (
    tenant_id            uuid NOT NULL REFERENCES portal.tenants (id),
    id                   uuid NOT NULL DEFAULT gen_random_uuid(),
    patient_id           uuid NOT NULL,
    referrer_user_id     uuid NOT NULL,
    submitted_by_user_id uuid NOT NULL,
    procedure_id         uuid NOT NULL,
    modality             text NOT NULL
                             CHECK (modality IN ('PET-CT', 'MRI', 'CT', 'US', 'NM', 'XR', 'DEXA')),
    urgency              text NOT NULL CHECK (urgency IN ('routine', 'urgent', 'two_week_wait')),
    preferred_site_id    uuid NOT NULL,
    clinical_history     text NOT NULL CHECK (length(btrim(clinical_history)) BETWEEN 1 AND 4000),
    clinical_question    text NOT NULL CHECK (length(btrim(clinical_question)) BETWEEN 1 AND 1000),
    -- The answers to the procedure's safety questions, by group (mri, contrast, pet,
    -- ionising), as the referrer gave them.
    safety_answers       jsonb NOT NULL CHECK (jsonb_typeof(safety_answers) = 'object'),
    -- Why a radiologist must review it: [{"code", "field", "message"}, ...].
    review_reasons       jsonb NOT NULL DEFAULT '[]'
                             CHECK (jsonb_typeof(review_reasons) = 'array'),
    needs_review         boolean GENERATED ALWAYS AS (review_reasons <> '[]'::jsonb) STORED,
    -- The patient record's fields this referral's demographics disagreed with.
    demographic_differences text[] NOT NULL DEFAULT '{}',
    needs_demographic_review boolean GENERATED ALWAYS AS
                             (cardinality(demographic_differences) > 0) STORED,
    state                text NOT NULL DEFAULT 'submitted' CHECK (state IN (
                             'submitted', 'in_review', 'accepted', 'rejected', 'booked',
                             'scanned', 'reported', 'completed', 'cancelled')),
    appointment_at       timestamptz,
    appointment_site_id  uuid,
    report_completed_at  timestamptz,
    report_distributed_at timestamptz,
    -- When the referral reached completed, rejected or cancelled: the archive's date.
    closed_at            timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK ((state IN ('completed', 'rejected', 'cancelled')) = (closed_at IS NOT NULL)),
    FOREIGN KEY (tenant_id, patient_id) REFERENCES portal.patients (tenant_id, id),
    FOREIGN KEY (tenant_id, referrer_user_id) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, submitted_by_user_id) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, procedure_id) REFERENCES portal.procedures (tenant_id, id),
    FOREIGN KEY (tenant_id, preferred_site_id)
        REFERENCES portal.scanning_sites (tenant_id, organisation_id),
    FOREIGN KEY (tenant_id, appointment_site_id)
        REFERENCES portal.scanning_sites (tenant_id, organisation_id)
);
-- The tracking lists: a referrer's own (and those made for them), a delegate's, a patient's.
CREATE INDEX referrals_referrer ON portal.referrals (tenant_id, referrer_user_id, created_at, id);
CREATE INDEX referrals_submitter
    ON portal.referrals (tenant_id, submitted_by_user_id, created_at, id);
CREATE INDEX referrals_patient ON portal.referrals (tenant_id, patient_id, created_at);

ALTER TABLE portal.patient_demographics_history
    ADD FOREIGN KEY (tenant_id, referral_id) REFERENCES portal.referrals (tenant_id, id)
    DEFERRABLE INITIALLY DEFERRED;

-- Every change of a referral's state, from 'submitted' on: who, on whose behalf, when, why.
CREATE TABLE portal.referral_events (
    tenant_id            uuid NOT NULL REFERENCES portal.tenants (id),
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    referral_id          uuid NOT NULL,
    -- NULL for the first event, which creates the referral.
    from_state           text,
    to_state             text NOT NULL,
    actor_user_id        uuid NOT NULL,
    on_behalf_of_user_id uuid,
    at                   timestamptz NOT NULL DEFAULT now(),
    reason               text CHECK (length(reason) <= 2000),
    PRIMARY KEY (tenant_id, id),
    CHECK (from_state IS DISTINCT FROM to_state),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES portal.referrals (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_user_id) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, on_behalf_of_user_id) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX referral_events_referral ON portal.referral_events (tenant_id, referral_id, id);

-- Idempotency-Key: the first request with a key claims it in the transaction that does the
-- work, and the answer is stored in that same transaction, so a key exists with its answer
-- exactly when the work committed. A retry waits on the key's row while the first attempt
-- runs, then replays the stored answer (also after a lost connection or a restart of every
-- API node); the same key with another body is refused. Keys count for 24 hours, after
-- which a new request may claim the key afresh, and purge_idempotency_keys removes them.
CREATE TABLE portal.idempotency_keys (
    tenant_id       uuid NOT NULL REFERENCES portal.tenants (id),
    user_id         uuid NOT NULL,
    key             text NOT NULL CHECK (key ~ '^[\x21-\x7e]{1,255}$'),
    -- SHA-256 of the request body.
    request_hash    bytea NOT NULL CHECK (octet_length(request_hash) = 32),
    response_status integer CHECK (response_status BETWEEN 200 AND 599),
    response_body   text,
    -- The record the request made (Location of the answer).
    record_path     text CHECK (length(record_path) <= 300),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id, key),
    FOREIGN KEY (tenant_id, user_id) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX idempotency_keys_created ON portal.idempotency_keys (created_at);

DO $rls$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY[
        'patients', 'patient_demographics_history', 'referral_delegations', 'safety_rules',
        'referrals', 'referral_events', 'idempotency_keys']
    LOOP
        EXECUTE format('ALTER TABLE portal.%I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE portal.%I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON portal.%I TO portal_app '
            'USING (tenant_id = portal.current_tenant()) '
            'WITH CHECK (tenant_id = portal.current_tenant())', tenant_table);
    END LOOP;
END
$rls$;

-- Purging crosses tenants; rather than letting portal_app bypass row-level security, a
-- SECURITY DEFINER function owned by portal_owner deletes keys past their 24 hours, and the
-- owner's policy lets it see those rows only.
CREATE POLICY expired_keys ON portal.idempotency_keys FOR ALL TO portal_owner
    USING (created_at < now() - interval '24 hours');

-- Deletes idempotency keys older than 24 hours, at most `batch` of them (oldest first), and
-- returns how many went. Safe to run from every API node at once (SKIP LOCKED).
CREATE FUNCTION portal.purge_idempotency_keys(batch integer DEFAULT 10000) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $purge$
    WITH expired AS (
        SELECT k.tenant_id, k.user_id, k.key
        FROM portal.idempotency_keys AS k
        WHERE k.created_at < now() - interval '24 hours'
        ORDER BY k.created_at
        LIMIT least(greatest(batch, 1), 100000)
        FOR UPDATE SKIP LOCKED
    ), gone AS (
        DELETE FROM portal.idempotency_keys AS k
        USING expired AS e
        WHERE k.tenant_id = e.tenant_id AND k.user_id = e.user_id AND k.key = e.key
        RETURNING 1
    )
    SELECT count(*)::integer FROM gone;
$purge$;

-- Grants. Patients: created by a referral; only contact details are updated in place (the
-- identifying fields change only through review, which later work adds). History, events
-- and referrals are appended; the workflow's UPDATE grants on referrals come with it.
GRANT SELECT, INSERT ON portal.patients TO portal_app;
GRANT UPDATE (address_lines, town, postcode, mobile, email, gp_practice, updated_at)
    ON portal.patients TO portal_app;
GRANT SELECT, INSERT ON portal.patient_demographics_history TO portal_app;
GRANT SELECT, INSERT ON portal.referral_delegations TO portal_app;
GRANT UPDATE (revoked_at) ON portal.referral_delegations TO portal_app;
GRANT SELECT ON portal.safety_rules TO portal_app;
GRANT SELECT, INSERT ON portal.referrals TO portal_app;
GRANT SELECT, INSERT ON portal.referral_events TO portal_app;
GRANT SELECT, INSERT ON portal.idempotency_keys TO portal_app;
GRANT UPDATE (request_hash, response_status, response_body, record_path, created_at)
    ON portal.idempotency_keys TO portal_app;
GRANT EXECUTE ON FUNCTION portal.purge_idempotency_keys(integer) TO portal_app;
