-- Signing in: passwords, one-time codes, sessions, registration, set-password links, API
-- tokens and sign-in throttling.
--
-- Every secret is stored as a SHA-256 digest (32 bytes) of a random token, or, for
-- passwords, as a self-describing hash string (PHC format: $argon2id$v=19$m=...,t=...$...),
-- never in the clear. All of it lives here rather than in an API node's memory, so any node
-- can serve the next request and a lockout holds across nodes.

SET LOCAL ROLE portal_owner;

-- One password per user, replaced in place when changed.
CREATE TABLE portal.password_credentials (
    tenant_id     uuid NOT NULL REFERENCES portal.tenants (id),
    user_id       uuid NOT NULL,
    password_hash text NOT NULL CHECK (
                      password_hash ~ '^\$[a-z0-9-]{1,32}(\$[A-Za-z0-9+/.=,-]+){2,5}$'
                      AND length(password_hash) <= 512),
    changed_at    timestamptz NOT NULL DEFAULT now(),
    -- Set by an administrator's reset: the next sign-in must choose a new password.
    must_change   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES portal.users (tenant_id, id)
);

-- The second factor: after the password is accepted, a code is e-mailed to the user's
-- work address. The browser holds a random token whose digest is token_hash, so a code is
-- only ever tried against the challenge it was sent for.
CREATE TABLE portal.sign_in_challenges (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES portal.tenants (id),
    user_id    uuid NOT NULL,
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    code_hash  bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    attempts   integer NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 10),
    used_at    timestamptz,
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '1 hour'),
    CHECK (used_at IS NULL OR used_at >= created_at),
    FOREIGN KEY (tenant_id, user_id) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX sign_in_challenges_user ON portal.sign_in_challenges (tenant_id, user_id);

CREATE TABLE portal.sessions (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id           uuid NOT NULL REFERENCES portal.tenants (id),
    user_id             uuid NOT NULL,
    -- Digest of the cookie's token; the token itself is never stored.
    token_hash          bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    -- Digest of the CSRF token the pages echo back on every unsafe request.
    csrf_token_hash     bytea NOT NULL CHECK (octet_length(csrf_token_hash) = 32),
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_seen_at        timestamptz NOT NULL DEFAULT now(),
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz,
    revoked_reason      text CHECK (revoked_reason IN (
                            'sign_out', 'password_changed', 'user_suspended', 'administrator',
                            'superseded')),
    remote_address      inet,
    user_agent          text CHECK (length(user_agent) <= 512),
    CHECK (absolute_expires_at > created_at),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
    FOREIGN KEY (tenant_id, user_id) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX sessions_user ON portal.sessions (tenant_id, user_id);

-- "How do I apply for a user name and password?": the public registration form, decided
-- by a tenant administrator. The organisation is either one already known or a name and
-- ODS code as the applicant typed them.
CREATE TABLE portal.registration_requests (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         uuid NOT NULL REFERENCES portal.tenants (id),
    full_name         text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
    job_title         text NOT NULL CHECK (length(btrim(job_title)) BETWEEN 1 AND 200),
    work_address      text NOT NULL CHECK (length(btrim(work_address)) BETWEEN 1 AND 1000),
    work_email        text NOT NULL CHECK (
                          length(work_email) <= 254
                          AND work_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    work_phones       text[] NOT NULL CHECK (
                          cardinality(work_phones) BETWEEN 1 AND 4
                          AND array_position(work_phones, NULL) IS NULL),
    organisation_id   uuid,
    organisation_name text CHECK (length(btrim(organisation_name)) BETWEEN 1 AND 200),
    organisation_ods_code text CHECK (
                          organisation_ods_code ~ '^([A-Z0-9]{3}|[A-Z0-9]{5}|[A-Z][0-9]{5})$'),
    role_requested    text NOT NULL CHECK (role_requested IN ('referrer', 'delegate', 'viewer')),
    delegate_kind     text CHECK (
                          delegate_kind IN ('mdt_coordinator', 'clinical_nurse_specialist')),
    state             text NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'approved', 'declined')),
    decided_by        uuid,
    decided_at        timestamptz,
    decision_reason   text CHECK (length(decision_reason) <= 1000),
    -- The account made when the request was approved.
    created_user_id   uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    remote_address    inet,
    CHECK ((organisation_id IS NOT NULL)
           <> (organisation_name IS NOT NULL AND organisation_ods_code IS NOT NULL)),
    CHECK (organisation_id IS NULL OR (organisation_name IS NULL
                                       AND organisation_ods_code IS NULL)),
    CHECK ((role_requested = 'delegate') = (delegate_kind IS NOT NULL)),
    CHECK ((state = 'pending') = (decided_by IS NULL AND decided_at IS NULL)),
    CHECK (state <> 'declined' OR decision_reason IS NOT NULL),
    CHECK (created_user_id IS NULL OR state = 'approved'),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES portal.organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, decided_by) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, created_user_id) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX registration_requests_pending ON portal.registration_requests (tenant_id, created_at)
    WHERE state = 'pending';

-- Links e-mailed to invite a new user or reset a password; each works once.
CREATE TABLE portal.set_password_links (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES portal.tenants (id),
    user_id    uuid NOT NULL,
    purpose    text NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '14 days'),
    CHECK (used_at IS NULL OR used_at >= created_at),
    FOREIGN KEY (tenant_id, user_id) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX set_password_links_user ON portal.set_password_links (tenant_id, user_id);

-- Tokens for machine clients (the provider's RIS integration, say), with explicit scopes.
CREATE TABLE portal.api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES portal.tenants (id),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    scopes       text[] NOT NULL CHECK (
                     cardinality(scopes) >= 1
                     AND scopes <@ ARRAY['referrals:read', 'referrals:write', 'reports:write',
                         'bookings:write', 'activity:read']::text[]),
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CHECK (expires_at IS NULL OR expires_at > created_at),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, created_by) REFERENCES portal.users (tenant_id, id)
);

-- Failed sign-ins counted per account (the normalised e-mail typed, whether or not such a
-- user exists, so that throttling does not reveal who has an account) and per remote
-- address, in fixed windows. A subject over its limit is locked until locked_until. Kept
-- here so that every API node sees the same counts.
CREATE TABLE portal.sign_in_throttles (
    tenant_id         uuid NOT NULL REFERENCES portal.tenants (id),
    subject_kind      text NOT NULL CHECK (subject_kind IN ('account', 'address')),
    subject           text NOT NULL CHECK (length(subject) BETWEEN 1 AND 254),
    window_started_at timestamptz NOT NULL DEFAULT now(),
    failures          integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until      timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, subject_kind, subject),
    CHECK (subject_kind <> 'account' OR subject = lower(subject))
);

DO $rls$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY[
        'password_credentials', 'sign_in_challenges', 'sessions', 'registration_requests',
        'set_password_links', 'api_tokens', 'sign_in_throttles']
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

-- Grants: rows are deleted only where they are pure working state (spent challenges,
-- throttle windows); sessions, links, tokens and requests are kept as evidence and ended
-- by stamping them.
GRANT SELECT, INSERT ON portal.password_credentials TO portal_app;
GRANT UPDATE (password_hash, changed_at, must_change) ON portal.password_credentials
    TO portal_app;
GRANT SELECT, INSERT, DELETE ON portal.sign_in_challenges TO portal_app;
GRANT UPDATE (attempts, used_at) ON portal.sign_in_challenges TO portal_app;
GRANT SELECT, INSERT ON portal.sessions TO portal_app;
GRANT UPDATE (last_seen_at, revoked_at, revoked_reason, csrf_token_hash) ON portal.sessions
    TO portal_app;
GRANT SELECT, INSERT ON portal.registration_requests TO portal_app;
GRANT UPDATE (state, decided_by, decided_at, decision_reason, created_user_id,
              organisation_id, organisation_name, organisation_ods_code)
    ON portal.registration_requests TO portal_app;
GRANT SELECT, INSERT ON portal.set_password_links TO portal_app;
GRANT UPDATE (used_at) ON portal.set_password_links TO portal_app;
GRANT SELECT, INSERT ON portal.api_tokens TO portal_app;
GRANT UPDATE (last_used_at, revoked_at) ON portal.api_tokens TO portal_app;
GRANT SELECT, INSERT, DELETE ON portal.sign_in_throttles TO portal_app;
GRANT UPDATE (window_started_at, failures, locked_until, updated_at) ON portal.sign_in_throttles
    TO portal_app;
