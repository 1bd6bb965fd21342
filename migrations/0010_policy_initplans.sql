-- Row-level security evaluates the tenant once per statement.
--
-- `tenant_id = portal.current_tenant()` is evaluated for every row a scan reads (a setting
-- looked up and a UUID parsed each time); written `(SELECT portal.current_tenant())` it is an
-- initplan, evaluated once per statement, and still the condition of an index scan on
-- tenant_id. Every policy in schema portal that calls the function is altered so, keeping
-- its name, command, roles and expressions otherwise as they were.

SET LOCAL ROLE portal_owner;

DO $initplans$
DECLARE
    policy record;
    bare constant text := 'portal.current_tenant()';
    once constant text := '(SELECT portal.current_tenant())';
    change text;
    previous_path constant text := pg_catalog.current_setting('search_path');
BEGIN
    -- Expressions are printed with schema-qualified names (portal.current_tenant()).
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    FOR policy IN
        SELECT c.relname AS table_name, p.polname AS policy_name,
               pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_expression,
               pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_expression
        FROM pg_catalog.pg_policy AS p
        JOIN pg_catalog.pg_class AS c ON c.oid = p.polrelid
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = 'portal'
        ORDER BY c.relname, p.polname
    LOOP
        change := '';
        IF pg_catalog.strpos(policy.using_expression, bare) > 0 THEN
            change := change || ' USING ('
                || pg_catalog.replace(policy.using_expression, bare, once) || ')';
        END IF;
        IF pg_catalog.strpos(policy.check_expression, bare) > 0 THEN
            change := change || ' WITH CHECK ('
                || pg_catalog.replace(policy.check_expression, bare, once) || ')';
        END IF;
        IF change <> '' THEN
            EXECUTE pg_catalog.format(
                'ALTER POLICY %I ON portal.%I', policy.policy_name, policy.table_name) || change;
        END IF;
    END LOOP;

    IF EXISTS (
        SELECT FROM pg_catalog.pg_policy AS p
        JOIN pg_catalog.pg_class AS c ON c.oid = p.polrelid
        JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = 'portal'
          AND (pg_catalog.pg_get_expr(p.polqual, p.polrelid) ~ '(?<!SELECT )portal\.current_tenant'
               OR pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)
                  ~ '(?<!SELECT )portal\.current_tenant')
    ) THEN
        RAISE EXCEPTION 'a policy in schema portal still calls portal.current_tenant() per row';
    END IF;
    PERFORM pg_catalog.set_config('search_path', previous_path, true);
END
$initplans$;
