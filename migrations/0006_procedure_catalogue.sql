-- The procedure catalogue: what a referrer can ask a tenant (an imaging provider) to do,
-- each procedure with its SNOMED CT concept, its NICIP code(s), the modality it needs, its
-- contrast and the safety question sets of the referral form that apply to it.
--
-- Every provider keeps its own catalogue, loaded with `portalctl import procedures`. A
-- procedure that leaves the catalogue is withdrawn (active = false), never deleted, so a
-- referral that names it still resolves.
--
-- Search: `search_text` (lower-cased name, synonyms, body site, modality label and codes)
-- carries a trigram index for similarity, so misspelt words still find a procedure, and
-- `search_vector` the full-text document that ranks whole-word matches. pg_trgm's
-- functions, operators and operator classes live in schema public and are named with it.
--
-- Who writes: portal_app only reads. The import runs on an operator's connection (the
-- deployer's, as for `portalctl migrate`: a superuser or a member of portal_owner), sets the
-- tenant like any transaction and switches to portal_owner with SET LOCAL ROLE; the policy
-- for portal_owner below confines that role to the tenant set, so an import cannot touch
-- another provider's catalogue and the API role gains no write path.

-- pg_trgm is a trusted extension: the deployer creates it (the owner role cannot create
-- objects outside schema portal). Shared with any later migration that needs it.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

SET LOCAL ROLE portal_owner;

-- The text trigram similarity is measured against. Declared IMMUTABLE so that a generated
-- column can use it: array_to_string is only STABLE in general, because of other element
-- types' output functions, but text elements print as themselves.
CREATE FUNCTION portal.procedure_search_text(
    name text, synonyms text[], body_site text, modality_label text, snomed_ct_id text,
    nicip_codes text[]
) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT lower(name || ' ' || pg_catalog.array_to_string(synonyms, ' ') || ' '
                     || body_site || ' ' || modality_label || ' ' || snomed_ct_id || ' '
                     || pg_catalog.array_to_string(nicip_codes, ' '))
    $$;

-- The full-text document: the name weighs most (A), synonyms, body site and modality label
-- next (B). English stemming, so "scans" finds "scan".
CREATE FUNCTION portal.procedure_search_vector(
    name text, synonyms text[], body_site text, modality_label text
) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig, name), 'A')
            || pg_catalog.setweight(pg_catalog.to_tsvector('english'::regconfig,
                   pg_catalog.array_to_string(synonyms, ' ') || ' ' || body_site || ' '
                   || modality_label), 'B')
    $$;

CREATE TABLE portal.procedures (
    tenant_id        uuid NOT NULL REFERENCES portal.tenants (id),
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    -- SNOMED CT concept id: 6 to 18 digits, no leading zero (the importer also checks the
    -- Verhoeff check digit).
    snomed_ct_id     text NOT NULL CHECK (snomed_ct_id ~ '^[1-9][0-9]{5,17}$'),
    -- NICIP codes (National Interim Clinical Imaging Procedure), upper case; often one, a
    -- few for the left / right / both variants; none when the provider has not coded it.
    nicip_codes      text[] NOT NULL DEFAULT '{}' CHECK (
                         cardinality(nicip_codes) <= 20
                         AND pg_catalog.array_to_string(nicip_codes, ',', '?')
                             ~ '^([A-Z0-9]{3,10}(,[A-Z0-9]{3,10})*)?$'),
    -- The name shown to referrers.
    name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    -- What a referrer picks and a site offers (the Referrals module's Modality).
    modality         text NOT NULL CHECK (
                         modality IN ('PET-CT', 'MRI', 'CT', 'US', 'NM', 'XR', 'DEXA')),
    -- The catalogue's finer label: 'PET-CT (FDG)', 'CT angiography', 'US (transvaginal)'.
    modality_label   text NOT NULL CHECK (length(btrim(modality_label)) BETWEEN 1 AND 100),
    body_site        text NOT NULL CHECK (length(btrim(body_site)) BETWEEN 1 AND 200),
    contrast         text NOT NULL DEFAULT 'none'
                         CHECK (contrast IN ('none', 'iodinated', 'gadolinium')),
    synonyms         text[] NOT NULL DEFAULT '{}' CHECK (
                         cardinality(synonyms) <= 100
                         AND array_position(synonyms, NULL) IS NULL),
    -- Which question sets of the referral form apply: MRI safety, contrast, PET-CT
    -- preparation, ionising radiation (pregnancy and breastfeeding).
    safety_questions text[] NOT NULL DEFAULT '{}' CHECK (
                         safety_questions <@ ARRAY['mri', 'contrast', 'pet', 'ionising']::text[]
                         AND array_position(safety_questions, NULL) IS NULL),
    -- True when the NICIP-to-SNOMED CT pairing was derived rather than taken from an
    -- authoritative map; shown with every search result.
    pairing_derived  boolean NOT NULL DEFAULT true,
    -- Where the codes and the name come from, and how far to trust them.
    sources          text CHECK (length(sources) <= 4000),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    search_text      text NOT NULL GENERATED ALWAYS AS (portal.procedure_search_text(
                         name, synonyms, body_site, modality_label, snomed_ct_id, nicip_codes))
                         STORED,
    search_vector    tsvector NOT NULL GENERATED ALWAYS AS (portal.procedure_search_vector(
                         name, synonyms, body_site, modality_label)) STORED,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, snomed_ct_id)
);
CREATE INDEX procedures_search_vector ON portal.procedures USING gin (search_vector);
CREATE INDEX procedures_search_trigrams ON portal.procedures
    USING gin (search_text public.gin_trgm_ops);
CREATE INDEX procedures_nicip_codes ON portal.procedures USING gin (nicip_codes);

ALTER TABLE portal.procedures ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal.procedures FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON portal.procedures TO portal_app
    USING (tenant_id = portal.current_tenant())
    WITH CHECK (tenant_id = portal.current_tenant());
-- The import (see above): the owner role, switched to inside a tenant's transaction.
CREATE POLICY catalogue_import ON portal.procedures TO portal_owner
    USING (tenant_id = portal.current_tenant())
    WITH CHECK (tenant_id = portal.current_tenant());

-- Grants: the API reads the catalogue and changes nothing of it.
GRANT SELECT ON portal.procedures TO portal_app;
