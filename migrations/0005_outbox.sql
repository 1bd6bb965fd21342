-- The notification outbox: messages written in the same transaction as the change that
-- causes them (a referral accepted, a sign-in code issued), so that a message exists if and
-- only if that change committed. Workers on any API node deliver them.
--
-- Lifecycle: pending -> sending (claimed under a lease) -> sent | pending (retry later) | dead.
-- A worker that dies mid-send leaves its row in `sending`; once the lease has lapsed, any
-- worker claims it again, so no message is lost; the retry carries the same reference (the
-- Message-ID), so a duplicate delivery is recognisable.

SET LOCAL ROLE portal_owner;

CREATE TABLE portal.outbox (
    reference        uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid        NOT NULL REFERENCES portal.tenants (id),
    channel          text        NOT NULL CHECK (channel IN ('email')),
    recipient        text        NOT NULL CHECK (length(recipient) BETWEEN 1 AND 254),
    subject          text        CHECK (length(subject) <= 998),
    body             text,
    template         text,
    personalisation  jsonb,
    state            text        NOT NULL DEFAULT 'pending'
                                 CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_token      uuid,
    lease_expires_at timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    -- Either a ready message or a template to fill in later (GOV.UK Notify for SMS).
    CHECK ((subject IS NOT NULL AND body IS NOT NULL) OR template IS NOT NULL
           OR state IN ('sent', 'dead')),
    CHECK ((state = 'sending') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);

-- Workers look for due pending rows and lapsed leases, oldest first.
CREATE INDEX outbox_due ON portal.outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_leased ON portal.outbox (lease_expires_at) WHERE state = 'sending';
CREATE INDEX outbox_tenant ON portal.outbox (tenant_id, created_at);

-- The API role sees and writes only its current tenant's rows, like every tenant table.
ALTER TABLE portal.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal.outbox FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON portal.outbox
    TO portal_app
    USING (tenant_id = portal.current_tenant())
    WITH CHECK (tenant_id = portal.current_tenant());

-- Delivery crosses tenants: a worker serves them all. Rather than letting portal_app bypass
-- row-level security (it must not), the three steps of delivery are SECURITY DEFINER
-- functions owned by portal_owner. The owner's own policy below is what lets them see every
-- row despite FORCE ROW LEVEL SECURITY; portal_owner cannot log in, so only these functions
-- (and migrations) act as it. Each function does one narrow thing, pins search_path so that
-- no object of the caller's can be substituted, and changes a claimed row only with the
-- lease token its claim returned, so a worker whose lease lapsed cannot overwrite the
-- outcome recorded by the worker that reclaimed the row.
CREATE POLICY outbox_delivery ON portal.outbox
    TO portal_owner
    USING (true)
    WITH CHECK (true);

-- Claims up to `batch` due messages for `lease`: pending rows whose next attempt is due and
-- rows whose lease has lapsed (their worker died). SKIP LOCKED lets workers on several
-- nodes claim concurrently without waiting for or taking each other's rows. Each claim
-- counts as an attempt, so a message that kills its worker still reaches the attempt limit.
CREATE FUNCTION portal.outbox_claim(batch integer, lease interval)
RETURNS TABLE (
    reference uuid, tenant_id uuid, channel text, recipient text, subject text, body text,
    template text, personalisation jsonb, attempts integer, lease_token uuid
)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $claim$
    WITH due AS (
        SELECT o.reference
        FROM portal.outbox AS o
        WHERE (o.state = 'pending' AND o.next_attempt_at <= now())
           OR (o.state = 'sending' AND o.lease_expires_at <= now())
        ORDER BY o.next_attempt_at
        LIMIT least(greatest(batch, 1), 100)
        FOR UPDATE SKIP LOCKED
    )
    UPDATE portal.outbox AS o
    SET state = 'sending',
        attempts = o.attempts + 1,
        lease_token = gen_random_uuid(),
        lease_expires_at = now() + least(greatest(lease, interval '1 second'), interval '1 hour'),
        updated_at = now()
    FROM due
    WHERE o.reference = due.reference
    RETURNING o.reference, o.tenant_id, o.channel, o.recipient, o.subject, o.body, o.template,
              o.personalisation, o.attempts, o.lease_token;
$claim$;

-- Records a delivery. The body is cleared: it may hold a sign-in code, and a sent message
-- needs no copy here. False when the lease was lost (the row was reclaimed meanwhile).
CREATE FUNCTION portal.outbox_record_sent(message uuid, token uuid)
RETURNS boolean
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $sent$
    WITH done AS (
        UPDATE portal.outbox AS o
        SET state = 'sent', sent_at = now(), updated_at = now(), body = NULL,
            personalisation = NULL, lease_token = NULL, lease_expires_at = NULL, last_error = NULL
        WHERE o.reference = message AND o.state = 'sending' AND o.lease_token = token
        RETURNING 1
    )
    SELECT EXISTS (SELECT FROM done);
$sent$;

-- Records a failed attempt: back to pending after `retry_after`, or dead when it is NULL.
-- A dead message keeps its body for an operator to inspect. False when the lease was lost.
CREATE FUNCTION portal.outbox_record_failure(
    message uuid, token uuid, error text, retry_after interval
)
RETURNS boolean
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $failure$
    WITH done AS (
        UPDATE portal.outbox AS o
        SET state = CASE WHEN retry_after IS NULL THEN 'dead' ELSE 'pending' END,
            next_attempt_at = CASE WHEN retry_after IS NULL THEN o.next_attempt_at
                                   ELSE now() + retry_after END,
            last_error = left(error, 1000),
            lease_token = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE o.reference = message AND o.state = 'sending' AND o.lease_token = token
        RETURNING 1
    )
    SELECT EXISTS (SELECT FROM done);
$failure$;

-- The API role inserts messages (its tenant's only, by the policy; never a row already
-- sent, leased or retried, by the column list) and calls the three delivery functions; it
-- needs no other access to this table.
GRANT INSERT (reference, tenant_id, channel, recipient, subject, body, template, personalisation)
    ON portal.outbox TO portal_app;
GRANT EXECUTE ON FUNCTION portal.outbox_claim(integer, interval) TO portal_app;
GRANT EXECUTE ON FUNCTION portal.outbox_record_sent(uuid, uuid) TO portal_app;
GRANT EXECUTE ON FUNCTION portal.outbox_record_failure(uuid, uuid, text, interval) TO portal_app;
