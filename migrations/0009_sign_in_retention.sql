-- Retention of sign-in rows that have served their purpose: challenges long expired,
-- sessions long ended, set-password links long expired, throttle counts whose window and lock
-- are over. They hold digests of secrets and addresses, and nothing reads them once spent;
-- the audit trail keeps the account of what happened.
--
-- Purging crosses tenants, like outbox delivery: one SECURITY DEFINER function owned by
-- portal_owner, whose policies below let it see and delete those rows despite FORCE ROW
-- LEVEL SECURITY. portal_app gains no privilege on the tables themselves.

SET LOCAL ROLE portal_owner;

DO $policies$
DECLARE
    spent_table text;
BEGIN
    FOREACH spent_table IN ARRAY ARRAY[
        'sign_in_challenges', 'sessions', 'set_password_links', 'sign_in_throttles']
    LOOP
        EXECUTE format(
            'CREATE POLICY retention_read ON portal.%I FOR SELECT TO portal_owner USING (true)',
            spent_table);
        EXECUTE format(
            'CREATE POLICY retention_purge ON portal.%I FOR DELETE TO portal_owner USING (true)',
            spent_table);
    END LOOP;
END
$policies$;

-- Removes at most `batch` spent rows of each kind (so that one call stays short; call again
-- while it removes any) and says how many of each went. The ages are generous beside the
-- rows' own lives: a code lives minutes, a session at most 12 hours, a link at most 14 days,
-- a throttle window minutes and a lock hours.
CREATE FUNCTION portal.purge_spent_sign_in_rows(batch integer)
RETURNS TABLE (kind text, removed bigint)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $purge$
DECLARE
    limit_rows integer := least(greatest(batch, 1), 100000);
BEGIN
    kind := 'sign_in_challenges';
    WITH spent AS (
        SELECT c.id FROM portal.sign_in_challenges AS c
        WHERE c.expires_at < now() - interval '1 day'
        LIMIT limit_rows
    ), gone AS (
        DELETE FROM portal.sign_in_challenges AS c USING spent WHERE c.id = spent.id
        RETURNING 1
    )
    SELECT count(*) INTO removed FROM gone;
    RETURN NEXT;

    kind := 'sessions';
    WITH spent AS (
        SELECT s.id FROM portal.sessions AS s
        WHERE s.absolute_expires_at < now() - interval '7 days'
           OR s.revoked_at < now() - interval '7 days'
        LIMIT limit_rows
    ), gone AS (
        DELETE FROM portal.sessions AS s USING spent WHERE s.id = spent.id
        RETURNING 1
    )
    SELECT count(*) INTO removed FROM gone;
    RETURN NEXT;

    kind := 'set_password_links';
    WITH spent AS (
        SELECT l.id FROM portal.set_password_links AS l
        WHERE l.expires_at < now() - interval '7 days'
        LIMIT limit_rows
    ), gone AS (
        DELETE FROM portal.set_password_links AS l USING spent WHERE l.id = spent.id
        RETURNING 1
    )
    SELECT count(*) INTO removed FROM gone;
    RETURN NEXT;

    kind := 'sign_in_throttles';
    WITH spent AS (
        SELECT t.tenant_id, t.subject_kind, t.subject FROM portal.sign_in_throttles AS t
        WHERE t.updated_at < now() - interval '1 day'
          AND (t.locked_until IS NULL OR t.locked_until < now() - interval '1 day')
        LIMIT limit_rows
    ), gone AS (
        DELETE FROM portal.sign_in_throttles AS t USING spent
        WHERE (t.tenant_id, t.subject_kind, t.subject)
            = (spent.tenant_id, spent.subject_kind, spent.subject)
        RETURNING 1
    )
    SELECT count(*) INTO removed FROM gone;
    RETURN NEXT;
END
$purge$;

REVOKE ALL ON FUNCTION portal.purge_spent_sign_in_rows(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal.purge_spent_sign_in_rows(integer) TO portal_app;
