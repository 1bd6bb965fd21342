-- Roles and the schema everything else lives in.
--
-- portal_owner  owns the schema and every object in it; cannot log in. Later migrations
--               create their objects after `SET LOCAL ROLE portal_owner;` so that it owns
--               them, never the deployer.
-- portal_app    the role the API nodes log in as. Owns nothing and is granted, table by
--               table, only what it needs; because it owns no table and bypasses nothing,
--               row-level security applies to every query it makes. Its credentials are
--               set outside the migrations (a password or certificate per deployment).
--
-- Roles are cluster-wide and several databases of one cluster may run this file, possibly
-- at the same time: each role is created only when missing, and a concurrent creation by
-- another database's migration counts as done.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'portal_owner') THEN
        BEGIN
            CREATE ROLE portal_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
                NOINHERIT NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;

    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'portal_app') THEN
        BEGIN
            CREATE ROLE portal_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
                NOINHERIT NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$roles$;

-- Roles that already existed must still be what this design needs; a mismatch is an
-- operator's decision to undo, not something to paper over.
DO $checks$
BEGIN
    IF EXISTS (
        SELECT FROM pg_catalog.pg_roles
        WHERE rolname IN ('portal_owner', 'portal_app')
          AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)
    ) THEN
        RAISE EXCEPTION 'portal_owner or portal_app holds a superuser, createdb, createrole, '
            'replication or bypassrls attribute; remove it before migrating';
    END IF;

    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'portal_owner' AND rolcanlogin) THEN
        RAISE EXCEPTION 'portal_owner can log in; it must be NOLOGIN';
    END IF;

    IF pg_catalog.pg_has_role('portal_app', 'portal_owner', 'MEMBER') THEN
        RAISE EXCEPTION 'portal_app is a member of portal_owner; it must own nothing';
    END IF;
END
$checks$;

-- Only named roles reach this database; nobody gets temporary tables by default.
DO $database$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO portal_app', current_database());
    EXECUTE format(
        'ALTER ROLE portal_app IN DATABASE %I SET search_path = portal, pg_catalog',
        current_database());
END
$database$;

-- Nobody but the deployer creates objects in public (already so on PostgreSQL 15).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS portal AUTHORIZATION portal_owner;
ALTER SCHEMA portal OWNER TO portal_owner;
REVOKE ALL ON SCHEMA portal FROM PUBLIC;
GRANT USAGE ON SCHEMA portal TO portal_app;

-- Functions are not callable by everyone just because they exist. Tables and sequences
-- already get no grants by default: each migration grants portal_app exactly what it needs.
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
