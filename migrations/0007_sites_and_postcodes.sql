-- Scanning sites, the procedures each offers, and the UK postcode table that places them
-- and the patients who are referred to them.
--
-- Postcodes are reference data shared by every tenant: they live in schema `reference`,
-- outside row-level security, which portal_app may read and never change. They are loaded
-- by `portalctl import postcodes` from Ordnance Survey Code-Point Open or the ONS Postcode
-- Directory, both under the Open Government Licence, whose attribution is kept with the
-- data (reference.postcode_sources) so that whatever shows a distance can show it too.
--
-- A scanning site is an organisation of kind 'scanning_site' (0002) with the details below.
-- Sites and their procedures are loaded by `portalctl import sites` on an operator's
-- connection that sets the tenant and switches to portal_owner with SET LOCAL ROLE, as the
-- procedure catalogue's import does (0006); the policies for portal_owner below confine
-- that role to the tenant set.

-- The deployer creates the schema (portal_owner may not create schemas) and gives it away.
CREATE SCHEMA IF NOT EXISTS reference AUTHORIZATION portal_owner;
ALTER SCHEMA reference OWNER TO portal_owner;
REVOKE ALL ON SCHEMA reference FROM PUBLIC;
GRANT USAGE ON SCHEMA reference TO portal_app;

SET LOCAL ROLE portal_owner;

-- Where the postcodes came from: one row per kind of source, replaced by each import.
-- `attribution` holds the lines the Open Government Licence asks to be shown with the data
-- ("Contains OS data © Crown copyright and database right 2025", ...).
CREATE TABLE reference.postcode_sources (
    source      text PRIMARY KEY CHECK (source IN ('codepoint', 'onspd')),
    title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    licence     text NOT NULL CHECK (length(btrim(licence)) BETWEEN 1 AND 200),
    licence_url text NOT NULL CHECK (licence_url ~ '^https://'),
    attribution text[] NOT NULL CHECK (
                    cardinality(attribution) BETWEEN 1 AND 5
                    AND array_position(attribution, NULL) IS NULL),
    -- Rows written by the last import of this source.
    postcodes   integer NOT NULL CHECK (postcodes >= 0),
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- One row per postcode, in the normal form of Referrals.Postcode ("SW1A 1AA").
CREATE TABLE reference.postcodes (
    postcode           text PRIMARY KEY CHECK (
                           postcode ~ '^([A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA)$'),
    -- Code-Point Open's positional quality indicator (ONSPD's osgrdind times ten):
    -- 10 within the building of the matched address closest to the postcode mean, 20 the
    -- same placed by inspection (Scotland), 30 approximate to within 50 m, 40 the mean of
    -- the postcode's addresses, 50 estimated by ONS from its neighbours, 60 the postcode
    -- sector's mean, 80 terminated before addresses were matched, 90 no position.
    positional_quality smallint NOT NULL CHECK (positional_quality IN (10, 20, 30, 40, 50, 60,
                           80, 90)),
    -- British National Grid (OSGB36) metres; NULL without a position, and for Northern
    -- Ireland, whose ONSPD grid references are on the Irish Grid.
    eastings           integer CHECK (eastings BETWEEN 0 AND 700000),
    northings          integer CHECK (northings BETWEEN 0 AND 1300000),
    -- WGS84 degrees: converted from the grid for Code-Point Open, as given by ONSPD.
    latitude           double precision CHECK (latitude BETWEEN 49 AND 61),
    longitude          double precision CHECK (longitude BETWEEN -9 AND 2),
    -- GSS codes (E92000001 England, S92000003 Scotland, W92000004 Wales, N92000002
    -- Northern Ireland) and the areas the postcode falls in, when the source gives them.
    country_code       text CHECK (country_code ~ '^[A-Z][0-9]{8}$'),
    region_code        text CHECK (region_code ~ '^[A-Z][0-9]{8}$'),
    county_code        text CHECK (county_code ~ '^[A-Z0-9]{1,9}$'),
    district_code      text CHECK (district_code ~ '^[A-Z0-9]{1,9}$'),
    ward_code          text CHECK (ward_code ~ '^[A-Z0-9]{1,9}$'),
    -- NHS areas: Code-Point Open's regional and health authority codes; ONSPD's NHS
    -- England region, integrated care board and sub-ICB location (formerly CCG).
    nhs_region_code    text CHECK (nhs_region_code ~ '^[A-Z0-9]{1,9}$'),
    nhs_area_code      text CHECK (nhs_area_code ~ '^[A-Z0-9]{1,9}$'),
    icb_code           text CHECK (icb_code ~ '^[A-Z][0-9]{8}$'),
    sub_icb_code       text CHECK (sub_icb_code ~ '^[A-Z][0-9]{8}$'),
    -- The first day of the month the postcode was terminated (ONSPD's doterm); NULL while
    -- it is live. A terminated postcode still places an old address.
    terminated_on      date,
    source             text NOT NULL REFERENCES reference.postcode_sources (source),
    imported_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((eastings IS NULL) = (northings IS NULL)),
    CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CHECK (positional_quality <> 90 OR latitude IS NULL)
);

CREATE TABLE portal.scanning_sites (
    tenant_id          uuid NOT NULL REFERENCES portal.tenants (id),
    organisation_id    uuid NOT NULL,
    -- Only ever 'scanning_site': makes the reference below point at a scanning site.
    organisation_kind  text GENERATED ALWAYS AS ('scanning_site') STORED,
    -- Where the scanner stands (for a mobile unit, its current pitch), and that place's
    -- position, taken from reference.postcodes when the site is loaded.
    postcode           text NOT NULL CHECK (
                           postcode ~ '^([A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA)$'),
    latitude           double precision NOT NULL CHECK (latitude BETWEEN 49 AND 61),
    longitude          double precision NOT NULL CHECK (longitude BETWEEN -9 AND 2),
    -- Referrals.Modality raw values.
    modalities         text[] NOT NULL CHECK (
                           cardinality(modalities) BETWEEN 1 AND 7
                           AND modalities <@ ARRAY['PET-CT', 'MRI', 'CT', 'US', 'NM', 'XR',
                               'DEXA']::text[]),
    unit_kind          text NOT NULL CHECK (unit_kind IN ('static', 'mobile')),
    unit_manager_name  text NOT NULL CHECK (length(btrim(unit_manager_name)) BETWEEN 1 AND 200),
    unit_manager_phone text NOT NULL CHECK (unit_manager_phone ~ '^\+?[0-9][0-9 ]{6,19}$'),
    unit_manager_email text NOT NULL CHECK (
                           length(unit_manager_email) <= 254
                           AND unit_manager_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    -- An inactive site is never offered to referrers; its referrals still name it.
    active             boolean NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, organisation_id),
    FOREIGN KEY (tenant_id, organisation_id, organisation_kind)
        REFERENCES portal.organisations (tenant_id, id, kind)
);

-- Which procedures of the tenant's catalogue a site offers.
CREATE TABLE portal.site_procedures (
    tenant_id    uuid NOT NULL REFERENCES portal.tenants (id),
    site_id      uuid NOT NULL,
    procedure_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, site_id, procedure_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES portal.scanning_sites (tenant_id, organisation_id)
        ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, procedure_id) REFERENCES portal.procedures (tenant_id, id)
);
-- Nearest sites start from the procedure: the sites that offer it, then their distances.
CREATE INDEX site_procedures_procedure ON portal.site_procedures (tenant_id, procedure_id);

DO $rls$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['scanning_sites', 'site_procedures']
    LOOP
        EXECUTE format('ALTER TABLE portal.%I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE portal.%I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON portal.%I TO portal_app '
            'USING (tenant_id = portal.current_tenant()) '
            'WITH CHECK (tenant_id = portal.current_tenant())', tenant_table);
        EXECUTE format(
            'CREATE POLICY site_import ON portal.%I TO portal_owner '
            'USING (tenant_id = portal.current_tenant()) '
            'WITH CHECK (tenant_id = portal.current_tenant())', tenant_table);
    END LOOP;
END
$rls$;

-- The site import also writes the site's organisation row, as portal_owner: scanning sites
-- of the tenant set, nothing else.
CREATE POLICY site_import ON portal.organisations TO portal_owner
    USING (tenant_id = portal.current_tenant() AND kind = 'scanning_site')
    WITH CHECK (tenant_id = portal.current_tenant() AND kind = 'scanning_site');

-- Grants: the API reads sites and postcodes; sites change through the import (and, later,
-- a tenant administrator may switch a site off or change its manager).
GRANT SELECT ON reference.postcode_sources, reference.postcodes TO portal_app;
GRANT SELECT ON portal.scanning_sites TO portal_app;
GRANT UPDATE (active, unit_manager_name, unit_manager_phone, unit_manager_email, updated_at)
    ON portal.scanning_sites TO portal_app;
GRANT SELECT ON portal.site_procedures TO portal_app;
