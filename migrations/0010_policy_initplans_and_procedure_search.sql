-- Faster row-level security and an indexed procedure search.
--
-- Policies: `tenant_id = portal.current_tenant()` is evaluated for every row a scan reads (a
-- setting looked up and a UUID parsed each time); written `(SELECT portal.current_tenant())`
-- it is an initplan, evaluated once per statement, and still the condition of an index scan
-- on tenant_id. Every policy in schema portal that calls the function is altered so, keeping
-- its name, command, roles and expressions otherwise as they were.
--
-- Procedure search: under row-level security PostgreSQL uses an index only for leakproof
-- operators, and neither full-text `@@` nor pg_trgm's operators are, so portal_app's search
-- read the tenant's whole catalogue. The search is instead one SECURITY DEFINER function
-- owned by portal_owner, like outbox delivery (0005): a read-only policy below lets the
-- owner read procedures, the function confines itself to the current tenant explicitly, and
-- the full-text and NICIP GIN indexes of 0006 serve it.

SET LOCAL ROLE portal_owner;

DO $initplans$
DECLARE
    policy record;
    bare constant text := 'portal.current_tenant()';
    once constant text := '(SELECT portal.current_tenant())';
    change text;
BEGIN
    -- Expressions are printed with schema-qualified names (portal.current_tenant()).
    SET LOCAL search_path = pg_catalog, pg_temp;
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
END
$initplans$;

-- Lets the search function below read every tenant's procedures despite FORCE ROW LEVEL
-- SECURITY (the function itself keeps to the current tenant). Reading only: the imports'
-- writes stay confined to the tenant set by catalogue_import, but what the imports read as
-- portal_owner is no longer, so they name the tenant in their queries.
CREATE POLICY catalogue_search ON portal.procedures FOR SELECT TO portal_owner USING (true);

-- The current tenant's active procedures that have the code `code` (a SNOMED CT id or a
-- NICIP code) or match the full-text query `words` (to_tsquery syntax), narrowed to
-- `wanted_modality` when given, best first, at most `result_limit` (1 to 50). Ranked as the
-- Referrals module describes: a code match first, then ts_rank plus pg_trgm's similarity of
-- the name and of the body site to `typed`, the text as typed. NICIP codes are joined with
-- '|', as are safety question sets. No tenant set: no rows.
CREATE FUNCTION portal.search_procedures(
    words text, code text, wanted_modality text, typed text, result_limit integer
)
RETURNS TABLE (
    id uuid, snomed_ct_id text, nicip_codes text, name text, modality text,
    modality_label text, body_site text, contrast text, safety_questions text,
    pairing_derived boolean, exact boolean, score double precision
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $search$
    -- The query is a value (an initplan) rather than a relation joined to, so that it is an
    -- index condition.
    WITH query (query) AS (SELECT pg_catalog.to_tsquery('english', words)),
    hits AS (
        SELECT p.id, p.snomed_ct_id, p.nicip_codes, p.name, p.modality,
               p.modality_label, p.body_site, p.contrast, p.safety_questions,
               p.pairing_derived,
               coalesce(p.snomed_ct_id = code OR code = ANY (p.nicip_codes), false) AS exact,
               pg_catalog.ts_rank(p.search_vector, (SELECT q.query FROM query AS q), 1)
                   AS text_rank
        FROM portal.procedures AS p
        WHERE p.tenant_id = (SELECT portal.current_tenant())
          AND p.active
          AND (wanted_modality IS NULL OR p.modality = wanted_modality)
          -- nicip_codes @> ARRAY[code] is code = ANY (nicip_codes) in a form the GIN
          -- index serves (the codes hold no NULL).
          AND (p.snomed_ct_id = code OR p.nicip_codes @> ARRAY[code]
               OR p.search_vector @@ (SELECT q.query FROM query AS q))
        -- name and id make the hundred kept the same whichever plan finds them.
        ORDER BY exact DESC, text_rank DESC, p.name, p.id
        LIMIT 100
    )
    SELECT h.id, h.snomed_ct_id, pg_catalog.array_to_string(h.nicip_codes, '|'), h.name,
           h.modality, h.modality_label, h.body_site, h.contrast,
           pg_catalog.array_to_string(h.safety_questions, '|'), h.pairing_derived, h.exact,
           (h.text_rank + public.similarity(lower(h.name), lower(typed))
            + public.similarity(lower(h.body_site), lower(typed)))::float8 AS score
    FROM hits AS h
    ORDER BY h.exact DESC, score DESC, h.name, h.id
    LIMIT least(greatest(result_limit, 1), 50);
$search$;

REVOKE ALL ON FUNCTION portal.search_procedures(text, text, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal.search_procedures(text, text, text, text, integer)
    TO portal_app;
