-- The case journal: every message becomes one entry in its tenant's hash chain, for the case system.

-- KLE action facet (handlingsfacet, e.g. G01) beside the case number and KLE class of V1.
ALTER TABLE conversation ADD COLUMN action_facet text;

-- Outbox: written by the message statement itself (one more CTE), so no message exists without its
-- row. It holds ids only; the sequencer reads the message when it journals it. No per-tenant hot row
-- is touched here: the position and the chain are assigned after commit (journal_head).
-- One index only (each index is an insert on every send); journal_entry.message_id is what makes a
-- message journaled at most once.
CREATE TABLE journal_outbox (
    id               bigserial,
    tenant_id        uuid NOT NULL,
    message_id       uuid NOT NULL,
    conversation_id  uuid NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- One entry per message, with a gap-free position per tenant. The entry is stored as the pull feed
-- and the push adapter serve it (pre-encoded at sequencing time): item_head and item_tail are its JSON
-- before and after the base64 payload (ids, hashes, signature, the envelope to the case system: no
-- personal data); payload_enc is the canonical payload the hash and the signature cover, sealed under
-- the tenant's data key (it holds the message text and the citizen's CPR).
CREATE TABLE journal_entry (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenant,
    position         bigint NOT NULL,
    message_id       uuid NOT NULL UNIQUE,
    conversation_id  uuid NOT NULL,
    previous_hash    bytea NOT NULL,
    hash             bytea NOT NULL,
    item_head        text NOT NULL,
    payload_enc      bytea NOT NULL,
    payload_key      integer NOT NULL,
    item_tail        text NOT NULL,
    -- the message's time (its created_at, taken just before its statement) and when the entry was
    -- written: the difference is the journaling lag
    committed_at     timestamptz NOT NULL,
    sequenced_at     timestamptz NOT NULL,
    CONSTRAINT journal_entry_position UNIQUE (tenant_id, position)
);

-- Each tenant's chain head, advanced only by its sequencer (under an advisory lock), never by the
-- message path.
CREATE TABLE journal_head (
    tenant_id  uuid PRIMARY KEY REFERENCES tenant,
    position   bigint NOT NULL,
    hash       bytea NOT NULL
);

-- How far the tenant's case system has acknowledged the pull feed (it only moves forward).
CREATE TABLE journal_cursor (
    tenant_id       uuid PRIMARY KEY REFERENCES tenant,
    acked_position  bigint NOT NULL
);

-- Per tenant: the case system's certificate (entries are also encrypted to it, CMS EnvelopedData) and
-- the endpoint entries are pushed to. Set by the tenant's admin through the API.
CREATE TABLE journal_settings (
    tenant_id             uuid PRIMARY KEY REFERENCES tenant,
    recipient_certificate text,
    push_url              text,
    updated_at            timestamptz NOT NULL
);

-- Push deliveries, one per entry of a tenant with a push endpoint, created by the sequencer in the
-- entry's transaction. A relay leases due rows (FOR UPDATE SKIP LOCKED), posts, then records the
-- outcome; a lease that runs out (the relay died) makes the row due again: at-least-once, and the
-- entry id as idempotency key makes it exactly-once for the receiver.
CREATE TABLE journal_delivery (
    entry_id         uuid PRIMARY KEY REFERENCES journal_entry,
    tenant_id        uuid NOT NULL,
    position         bigint NOT NULL,
    state            text NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    lease_until      timestamptz,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz
);
CREATE INDEX journal_delivery_due ON journal_delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX journal_delivery_dead ON journal_delivery (tenant_id, position) WHERE state = 'dead';
