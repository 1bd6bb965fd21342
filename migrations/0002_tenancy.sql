-- Tenants, organisations, users and their roles.
--
-- A tenant is one imaging provider. Every other table carries tenant_id, and row-level
-- security confines portal_app to the tenant named by the per-transaction setting
-- portal.tenant_id, which the API sets first thing in each transaction:
--     SELECT set_config('portal.tenant_id', $1, true);
-- With the setting missing or empty no row is visible and none can be written; a value that
-- is not a UUID makes the statement fail. RLS is FORCEd as well, so that functions owned
-- by portal_owner (SECURITY DEFINER) are held to the same boundary unless a policy for
-- portal_owner says otherwise, table by table, below.
--
-- References between tenant tables are composite (tenant_id, id), so a row can never point
-- at another tenant's row: foreign-key checks do not go through row-level security.

SET LOCAL ROLE portal_owner;

-- The tenant the current transaction works for, or NULL when none is set. Inlined into the
-- policies by the planner (plain SQL, STABLE, no SET clause), so indexes on tenant_id serve.
CREATE FUNCTION portal.current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(pg_catalog.current_setting('portal.tenant_id', true), '')::uuid $$;
GRANT EXECUTE ON FUNCTION portal.current_tenant() TO portal_app;

CREATE TABLE portal.tenants (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- The label in the portal's host name (alliance.portal.example): lower-case words.
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Before sign-in the API knows the portal's host, not the tenant id: this resolves a slug
-- (exactly, nothing to enumerate) so that the API can set the tenant before any other query.
CREATE FUNCTION portal.tenant_id_for_slug(wanted text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT id FROM portal.tenants WHERE slug = wanted $$;
GRANT EXECUTE ON FUNCTION portal.tenant_id_for_slug(text) TO portal_app;

CREATE TABLE portal.organisations (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES portal.tenants (id),
    kind          text NOT NULL CHECK (kind IN (
                      'referring_organisation', 'gp_practice', 'commissioner', 'scanning_site')),
    -- NHS Organisation Data Service code. GP practices: a letter and five digits (A81001);
    -- trusts, commissioners and independent providers: three characters (RJ1, 15N, QE1,
    -- NT4); their sites: five (RJ121, NT401). Upper case, at least one letter.
    ods_code      text NOT NULL CHECK (
                      ods_code ~ '[A-Z]' AND CASE kind
                          WHEN 'gp_practice' THEN ods_code ~ '^[A-Z][0-9]{5}$'
                          ELSE ods_code ~ '^([A-Z0-9]{3}|[A-Z0-9]{5})$'
                      END),
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    address_lines text[] NOT NULL CHECK (
                      cardinality(address_lines) BETWEEN 1 AND 5
                      AND array_position(address_lines, NULL) IS NULL),
    town          text NOT NULL CHECK (length(btrim(town)) BETWEEN 1 AND 100),
    postcode      text NOT NULL CHECK (postcode ~ '^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, id, kind),
    UNIQUE (tenant_id, ods_code)
);

CREATE TABLE portal.users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES portal.tenants (id),
    organisation_id uuid NOT NULL,
    full_name       text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
    job_title       text NOT NULL CHECK (length(btrim(job_title)) BETWEEN 1 AND 200),
    -- Unique per tenant whatever the case (see users_email_key); one-time codes go here.
    email           text NOT NULL CHECK (
                        length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    phone           text CHECK (phone ~ '^\+?[0-9][0-9 ]{6,19}$'),
    state           text NOT NULL DEFAULT 'invited'
                        CHECK (state IN ('invited', 'active', 'suspended', 'disabled')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    state_changed_at timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES portal.organisations (tenant_id, id)
);
CREATE UNIQUE INDEX users_email_key ON portal.users (tenant_id, lower(email));
CREATE INDEX users_organisation ON portal.users (tenant_id, organisation_id);

-- What a user may do inside the tenant. Details that belong to one role live in columns
-- that must be filled for that role and empty for every other, so a delegate always says
-- whom they are (MDT co-ordinator or clinical nurse specialist), site staff always name
-- their scanning site, and a radiologist always carries their IR(ME)R entitlement.
CREATE TABLE portal.user_roles (
    tenant_id   uuid NOT NULL REFERENCES portal.tenants (id),
    user_id     uuid NOT NULL,
    role        text NOT NULL CHECK (role IN (
                    'referrer', 'delegate', 'viewer', 'radiologist', 'booking_clerk',
                    'site_staff', 'commissioner_analyst', 'tenant_administrator')),
    delegate_kind text CHECK (delegate_kind IN ('mdt_coordinator', 'clinical_nurse_specialist')),
    site_id     uuid,
    -- Only ever 'scanning_site': makes the site reference below point at a scanning site.
    site_kind   text GENERATED ALWAYS AS ('scanning_site') STORED,
    -- IR(ME)R practitioner entitlement: who entitled them (the employer's named officer),
    -- from when, until when (NULL: until withdrawn), and for which modalities.
    irmer_entitled_by    text CHECK (length(btrim(irmer_entitled_by)) BETWEEN 1 AND 200),
    irmer_entitled_from  date,
    irmer_entitled_until date,
    irmer_modalities     text[] CHECK (
                             cardinality(irmer_modalities) >= 1
                             AND irmer_modalities <@ ARRAY['PET-CT', 'MRI', 'CT', 'US', 'NM',
                                 'XR']::text[]),
    granted_by  uuid,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id, role),
    FOREIGN KEY (tenant_id, user_id) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, granted_by) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id, site_kind)
        REFERENCES portal.organisations (tenant_id, id, kind),
    CONSTRAINT delegate_kind_only_for_delegates
        CHECK ((role = 'delegate') = (delegate_kind IS NOT NULL)),
    CONSTRAINT site_only_for_site_staff CHECK ((role = 'site_staff') = (site_id IS NOT NULL)),
    CONSTRAINT entitlement_only_for_radiologists CHECK (
        CASE WHEN role = 'radiologist'
            THEN irmer_entitled_by IS NOT NULL AND irmer_entitled_from IS NOT NULL
                 AND irmer_modalities IS NOT NULL
                 AND (irmer_entitled_until IS NULL OR irmer_entitled_until > irmer_entitled_from)
            ELSE irmer_entitled_by IS NULL AND irmer_entitled_from IS NULL
                 AND irmer_entitled_until IS NULL AND irmer_modalities IS NULL
        END)
);

-- ARSAC licences of radiologists (a practitioner may hold several, one per employer/site
-- set). The reference to user_roles with role fixed to 'radiologist' ensures only
-- radiologists hold one, and removing the role is refused while a licence is recorded.
CREATE TABLE portal.arsac_licences (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL REFERENCES portal.tenants (id),
    user_id        uuid NOT NULL,
    role           text GENERATED ALWAYS AS ('radiologist') STORED,
    licence_number text NOT NULL CHECK (licence_number ~ '^[A-Z0-9][A-Z0-9/-]{2,29}$'),
    -- The named licence holder, as printed on the licence.
    holder_name    text NOT NULL CHECK (length(btrim(holder_name)) BETWEEN 1 AND 200),
    issued_on      date NOT NULL,
    expires_on     date NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (expires_on > issued_on),
    UNIQUE (tenant_id, licence_number, user_id),
    FOREIGN KEY (tenant_id, user_id, role) REFERENCES portal.user_roles (tenant_id, user_id, role)
);

-- Row-level security: every table, enabled and forced, one policy per table for portal_app.
DO $rls$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['organisations', 'users', 'user_roles', 'arsac_licences']
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

-- The tenants table keys on its own id. portal_app sees only its tenant's row and changes
-- none (tenants are created by operators). portal_owner may read every row, for
-- tenant_id_for_slug, and nothing more.
ALTER TABLE portal.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON portal.tenants FOR SELECT TO portal_app
    USING (id = portal.current_tenant());
CREATE POLICY slug_lookup ON portal.tenants FOR SELECT TO portal_owner USING (true);

-- Grants: nothing is deleted here (users are disabled, roles withdrawn by deleting the
-- role row only); tenant_id and ids are never updated.
GRANT SELECT ON portal.tenants TO portal_app;
GRANT SELECT, INSERT ON portal.organisations TO portal_app;
GRANT UPDATE (kind, name, address_lines, town, postcode, updated_at)
    ON portal.organisations TO portal_app;
GRANT SELECT, INSERT ON portal.users TO portal_app;
GRANT UPDATE (organisation_id, full_name, job_title, email, phone, state, updated_at,
              state_changed_at, last_sign_in_at)
    ON portal.users TO portal_app;
GRANT SELECT, INSERT, DELETE ON portal.user_roles TO portal_app;
GRANT UPDATE (delegate_kind, site_id, irmer_entitled_by, irmer_entitled_from,
              irmer_entitled_until, irmer_modalities)
    ON portal.user_roles TO portal_app;
GRANT SELECT, INSERT, DELETE ON portal.arsac_licences TO portal_app;
GRANT UPDATE (holder_name, expires_on) ON portal.arsac_licences TO portal_app;
