-- One message, one event: the message statement writes the conversation's seq, the message and one
-- conversation_event row, and nothing else. Journal, push and SMS follow this log after commit, each
-- with its own cursor per tenant (event_cursor), each deciding its own policy from its own tables.

-- owner: conversation
-- The conversation's event log (owned by conversation; read by every consumer only through
-- platform.EventLog). A message is one event of kind 'message'; lifecycle events (closed, reopened,
-- transferred, case reference set, attachment added, message retracted or corrected) are other kinds
-- of the same log. The route (unit, citizen) and what consumers need of the conversation at that
-- moment travel with the event (detail), so no consumer reads the conversation for them.
--
-- Order: (tx, id). tx is the writing transaction's id; a consumer reads only events whose tx is older
-- than every transaction still running (pg_snapshot_xmin), so an event that commits late can never be
-- behind a cursor that already moved past it — without any per-tenant row in the message transaction.
-- id comes from a sequence taken after the conversation's row lock, so within a conversation it
-- follows seq. No foreign keys (each is a lookup on every send) and one index: the key.
CREATE TABLE conversation_event (
    tenant_id        uuid NOT NULL,
    tx               xid8 NOT NULL DEFAULT pg_current_xact_id(),
    id               bigserial,
    conversation_id  uuid NOT NULL,
    unit_id          uuid NOT NULL,
    citizen_id       uuid NOT NULL,
    kind             text NOT NULL,
    message_id       uuid,
    seq              bigint,
    actor_kind       text,
    actor_id         uuid,
    created_at       timestamptz NOT NULL,
    detail           jsonb,
    PRIMARY KEY (tenant_id, tx, id)
);

-- owner: platform
-- How far each consumer (journal, push, sms, ...) has worked through a tenant's events. Moved in the
-- same transaction as the consumer's own writes, so a crash repeats nothing and loses nothing. Events
-- every consumer has passed are deleted (platform.EventLog prunes).
CREATE TABLE event_cursor (
    consumer   text NOT NULL,
    tenant_id  uuid NOT NULL,
    tx         xid8 NOT NULL,
    id         bigint NOT NULL,
    PRIMARY KEY (consumer, tenant_id)
);

-- Messages the journal had not sequenced yet become events (in outbox order); push and SMS already
-- have their rows for them (push_due, sms_notice), so their cursors start after these events.
INSERT INTO conversation_event (tenant_id, conversation_id, unit_id, citizen_id, kind, message_id, seq, actor_kind,
                                actor_id, created_at, detail)
SELECT o.tenant_id, c.id, c.unit_id, c.citizen_id, 'message', m.id, m.seq, m.sender_kind, m.sender_id, m.created_at,
       jsonb_build_object('channelPolicy', c.channel_policy, 'smsAllowed', m.sms_allowed)
FROM journal_outbox o
JOIN message m ON m.id = o.message_id
JOIN conversation c ON c.id = m.conversation_id
ORDER BY o.tenant_id, o.id;

INSERT INTO event_cursor (consumer, tenant_id, tx, id)
SELECT k.consumer, t.id, pg_current_xact_id(), (SELECT coalesce(max(id), 0) FROM conversation_event)
FROM tenant t, (VALUES ('push'), ('sms')) AS k(consumer);

-- The journal now follows the log; its outbox is gone.
DROP TABLE journal_outbox;
