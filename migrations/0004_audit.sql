-- The audit trail: who did what to which record, for which patient, on whose behalf, from
-- where, and when. Append-only and hash-chained so that a changed, removed or reordered row
-- is found by `portalctl audit verify`.
--
-- One chain per tenant. Each tenant's trail is its own evidence (it can be handed to that
-- provider or verified with only that tenant set, under row-level security), and appends
-- of different tenants never wait for each other. Appends of one tenant serialise on the
-- tenant's row in audit_chain_heads, locked FOR UPDATE until commit: a transaction touches
-- one tenant only, so it takes one chain lock and cannot deadlock against another append.
-- Record the audit event as the last statement of a transaction, so that the lock is held
-- for the commit only and is never taken before a lock another append might hold.
--
-- The chain is computed inside PostgreSQL, in a BEFORE INSERT trigger: the head is read,
-- the row hashed and the head moved in the same statement as the insert, so no writer (any
-- API node, any tool) can chain differently, pick its own sequence number or forge a hash;
-- whatever the inserting client supplies for those columns is overwritten.
--
-- row_hash = sha256(previous_hash || canonical encoding of the row), previous_hash being
-- the tenant's previous row_hash (32 zero bytes for the first row). The canonical encoding
-- is, for each field in this order, its text form as a 4-byte big-endian byte length
-- followed by its UTF-8 bytes, or the 4 bytes ff ff ff ff for NULL:
--     id, tenant_id, seq, occurred_at (UTC, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_user_id,
--     on_behalf_of_user_id, action, record_type, record_id, patient_id, request_id,
--     remote_address (inet's text form, with its mask), details (jsonb's text form).
-- The verifier re-derives this itself, in Swift, from the stored fields; it does not
-- trust these functions, so replacing them does not hide a change.

SET LOCAL ROLE portal_owner;

CREATE TABLE portal.audit_events (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id            uuid NOT NULL DEFAULT portal.current_tenant()
                             REFERENCES portal.tenants (id),
    -- Position in the tenant's chain: 1, 2, 3, ... without a hole.
    seq                  bigint NOT NULL CHECK (seq >= 1),
    occurred_at          timestamptz NOT NULL,
    -- Who acted (NULL before sign-in, e.g. a refused password) and for whom (the referrer a
    -- delegate acts for).
    actor_user_id        uuid,
    on_behalf_of_user_id uuid,
    -- What, as noun.verb: 'referral.read', 'session.sign_in', 'report.download'.
    action               text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'
                                              AND length(action) <= 100),
    record_type          text CHECK (record_type ~ '^[a-z][a-z0-9_]{0,62}$'),
    record_id            text CHECK (length(record_id) BETWEEN 1 AND 100),
    -- The patient whose data was read or changed, once patients exist.
    patient_id           uuid,
    request_id           text CHECK (length(request_id) BETWEEN 1 AND 100),
    remote_address       inet,
    -- Context for a human reader; never secrets. A JSON object, at most 8 KiB, and keys that
    -- name secrets are refused outright.
    details              jsonb NOT NULL DEFAULT '{}' CHECK (
                             jsonb_typeof(details) = 'object'
                             AND octet_length(details::text) <= 8192
                             AND NOT details ?| ARRAY['password', 'password_hash', 'token',
                                 'token_hash', 'code', 'one_time_code', 'secret', 'csrf_token']),
    previous_hash        bytea NOT NULL CHECK (octet_length(previous_hash) = 32),
    row_hash             bytea NOT NULL CHECK (octet_length(row_hash) = 32),
    CHECK ((record_type IS NULL) = (record_id IS NULL)),
    UNIQUE (tenant_id, seq),
    FOREIGN KEY (tenant_id, actor_user_id) REFERENCES portal.users (tenant_id, id),
    FOREIGN KEY (tenant_id, on_behalf_of_user_id) REFERENCES portal.users (tenant_id, id)
);
CREATE INDEX audit_events_patient ON portal.audit_events (tenant_id, patient_id)
    WHERE patient_id IS NOT NULL;
CREATE INDEX audit_events_actor ON portal.audit_events (tenant_id, actor_user_id, occurred_at);

-- The end of each tenant's chain. Only the append trigger writes it (as portal_owner);
-- portal_app has no privilege on it at all.
CREATE TABLE portal.audit_chain_heads (
    tenant_id  uuid PRIMARY KEY REFERENCES portal.tenants (id),
    last_seq   bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash  bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'
                   CHECK (octet_length(last_hash) = 32),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One field of the canonical encoding.
CREATE FUNCTION portal.audit_field(value text) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT pg_catalog.int4send(pg_catalog.octet_length(value))
                 || pg_catalog.convert_to(value, 'UTF8') $$;

CREATE FUNCTION portal.audit_canonical(event portal.audit_events) RETURNS bytea
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT string_agg(coalesce(portal.audit_field(field), '\xffffffff'::bytea), ''::bytea
                      ORDER BY position)
    FROM unnest(ARRAY[
        event.id::text,
        event.tenant_id::text,
        event.seq::text,
        to_char(event.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        event.actor_user_id::text,
        event.on_behalf_of_user_id::text,
        event.action,
        event.record_type,
        event.record_id,
        event.patient_id::text,
        event.request_id,
        event.remote_address::text,
        event.details::text
    ]) WITH ORDINALITY AS fields (field, position)
    $$;

-- Chains a new row: takes the tenant's head FOR UPDATE (creating it on the tenant's first
-- event), numbers and hashes the row, moves the head. Runs as portal_owner so that
-- portal_app needs no privilege on the heads.
CREATE FUNCTION portal.audit_chain_append() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    head record;
BEGIN
    IF NEW.tenant_id IS DISTINCT FROM portal.current_tenant() THEN
        RAISE EXCEPTION 'an audit event must be recorded with its tenant set'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('event tenant %s, portal.tenant_id %s',
                                  NEW.tenant_id, portal.current_tenant());
    END IF;

    INSERT INTO portal.audit_chain_heads (tenant_id) VALUES (NEW.tenant_id)
        ON CONFLICT (tenant_id) DO NOTHING;
    SELECT last_seq, last_hash INTO STRICT head
        FROM portal.audit_chain_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;

    NEW.seq := head.last_seq + 1;
    NEW.occurred_at := clock_timestamp();
    NEW.previous_hash := head.last_hash;
    NEW.row_hash := sha256(head.last_hash || portal.audit_canonical(NEW));

    UPDATE portal.audit_chain_heads
        SET last_seq = NEW.seq, last_hash = NEW.row_hash, updated_at = NEW.occurred_at
        WHERE tenant_id = NEW.tenant_id;
    RETURN NEW;
END
$$;

-- History is not rewritten, by anyone: the triggers below refuse UPDATE, DELETE and
-- TRUNCATE whoever asks, the owner and superusers included. They are ENABLE ALWAYS, so
-- session_replication_role = replica does not skip them; getting past them takes an
-- ALTER TABLE ... DISABLE TRIGGER (DDL, which the server logs), and what is then changed
-- is caught by the verifier.
CREATE FUNCTION portal.audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    RAISE EXCEPTION '% on %.% is refused: the audit trail is append-only',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The head moves only forward, one row at a time, and only for its own tenant.
CREATE FUNCTION portal.audit_head_advance_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.tenant_id <> OLD.tenant_id OR NEW.last_seq <> OLD.last_seq + 1 THEN
        RAISE EXCEPTION 'the audit chain head of tenant % only advances by one', OLD.tenant_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER chain BEFORE INSERT ON portal.audit_events
    FOR EACH ROW EXECUTE FUNCTION portal.audit_chain_append();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON portal.audit_events
    FOR EACH ROW EXECUTE FUNCTION portal.audit_refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON portal.audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION portal.audit_refuse_change();
CREATE TRIGGER advance_only BEFORE UPDATE ON portal.audit_chain_heads
    FOR EACH ROW EXECUTE FUNCTION portal.audit_head_advance_only();
CREATE TRIGGER keep BEFORE DELETE ON portal.audit_chain_heads
    FOR EACH ROW EXECUTE FUNCTION portal.audit_refuse_change();
CREATE TRIGGER keep_truncate BEFORE TRUNCATE ON portal.audit_chain_heads
    FOR EACH STATEMENT EXECUTE FUNCTION portal.audit_refuse_change();
ALTER TABLE portal.audit_events ENABLE ALWAYS TRIGGER chain;
ALTER TABLE portal.audit_events ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE portal.audit_events ENABLE ALWAYS TRIGGER append_only_truncate;
ALTER TABLE portal.audit_chain_heads ENABLE ALWAYS TRIGGER advance_only;
ALTER TABLE portal.audit_chain_heads ENABLE ALWAYS TRIGGER keep;
ALTER TABLE portal.audit_chain_heads ENABLE ALWAYS TRIGGER keep_truncate;

ALTER TABLE portal.audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal.audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON portal.audit_events TO portal_app
    USING (tenant_id = portal.current_tenant())
    WITH CHECK (tenant_id = portal.current_tenant());

ALTER TABLE portal.audit_chain_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal.audit_chain_heads FORCE ROW LEVEL SECURITY;
-- portal_app gets no grant on the heads; this policy is for the append trigger, which runs
-- as portal_owner and is held to the transaction's tenant like everything else.
CREATE POLICY tenant_isolation ON portal.audit_chain_heads TO portal_owner
    USING (tenant_id = portal.current_tenant())
    WITH CHECK (tenant_id = portal.current_tenant());

-- portal_app appends (naming only the descriptive columns; the chain columns are the
-- trigger's) and reads its tenant's trail. No UPDATE, DELETE or TRUNCATE.
GRANT SELECT ON portal.audit_events TO portal_app;
GRANT INSERT (actor_user_id, on_behalf_of_user_id, action, record_type, record_id, patient_id,
              request_id, remote_address, details)
    ON portal.audit_events TO portal_app;
