-- SMS through a gateway (GatewayAPI): per-tenant numbers and rules, verified citizen phone numbers,
-- a conversation's channel policy, and a durable outbox of SMS (notices) that a relay sends after
-- commit.

-- app: the app only; sms: every staff message goes by SMS at once; app-then-sms: by SMS only when the
-- citizen's app has not received it within the tenant's escalation delay.
ALTER TABLE conversation ADD COLUMN channel_policy text NOT NULL DEFAULT 'app'
    CHECK (channel_policy IN ('app', 'sms', 'app-then-sms'));
-- staff marked the message "not sensitive": its text may go by SMS where the conversation allows it
ALTER TABLE message ADD COLUMN sms_allowed boolean NOT NULL DEFAULT false;

-- A tenant's SMS settings. A tenant without a row sends no SMS and receives none.
CREATE TABLE sms_tenant (
    tenant_id          uuid PRIMARY KEY REFERENCES tenant,
    -- what citizens see as the sender (up to 11 letters, or a number)
    sender             text NOT NULL,
    -- the tenant's receiving number (digits with country code, as the gateway reports it): routes
    -- incoming SMS to the tenant
    receiver           text NOT NULL UNIQUE,
    escalation_delay   interval NOT NULL DEFAULT '15 minutes',
    -- no SMS leaves between quiet_start and quiet_end (local time in zone); held ones go at quiet_end
    quiet_start        time NOT NULL DEFAULT '21:00',
    quiet_end          time NOT NULL DEFAULT '08:00',
    zone               text NOT NULL DEFAULT 'Europe/Copenhagen',
    -- whether messages marked not sensitive may carry their text by SMS at all
    body_allowed       boolean NOT NULL DEFAULT true,
    -- answer to an SMS from a number no citizen of the tenant has (null: no answer, only recorded)
    auto_reply         text,
    -- where an SMS from a known citizen without an open conversation starts a new one (null: recorded only)
    default_unit_id    uuid REFERENCES unit
);

-- A citizen's verified mobile number: sealed under the tenant's data key, found by its blind index.
-- Verified means a staff member entered it after checking it belongs to the citizen (verified_by).
CREATE TABLE citizen_phone (
    citizen_id    uuid PRIMARY KEY REFERENCES citizen,
    tenant_id     uuid NOT NULL REFERENCES tenant,
    phone_enc     bytea NOT NULL,
    phone_index   bytea NOT NULL,
    verified_at   timestamptz NOT NULL,
    verified_by   uuid NOT NULL,
    -- set by the keyword STOP from the number, cleared by START
    opted_out_at  timestamptz,
    CONSTRAINT citizen_phone_unique UNIQUE (tenant_id, phone_index)
);

-- One SMS to send: a notice of a staff message (kind notice), its text (kind body, only for messages
-- marked not sensitive) or an answer to an unknown sender (kind auto-reply, sealed number in
-- msisdn_enc). Written in the message's own statement (MessageStore) only when the conversation's
-- policy is not app. Its id is the gateway's userref, so delivery reports find it.
-- state: queued → sent → delivered | failed; cancelled when it need not go (read in the app first,
-- covered by an earlier notice the citizen has not read yet, policy changed back to app).
CREATE TABLE sms_notice (
    id             uuid PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES tenant,
    conversation_id uuid REFERENCES conversation,
    message_id     uuid,
    seq            bigint,
    kind           text NOT NULL CHECK (kind IN ('notice', 'body', 'auto-reply')),
    -- app-then-sms: only if the citizen's app has not received the message by due_at
    escalate       boolean NOT NULL DEFAULT false,
    msisdn_enc     bytea,
    state          text NOT NULL CHECK (state IN ('queued', 'sent', 'delivered', 'failed', 'cancelled')),
    reason         text,
    due_at         timestamptz NOT NULL,
    -- a relay working on it holds it until then (so replicas never send one notice twice)
    lease_until    timestamptz,
    attempts       integer NOT NULL DEFAULT 0,
    gateway_id     bigint,
    gateway_status text,
    segments       integer,
    created_at     timestamptz NOT NULL,
    sent_at        timestamptz,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX sms_notice_due ON sms_notice (due_at) WHERE state = 'queued';
-- the relay's claim skips conversations another replica is working on: only queued rows matter
CREATE INDEX sms_notice_queued_by_conversation ON sms_notice (conversation_id) WHERE state = 'queued';
CREATE INDEX sms_notice_by_message ON sms_notice (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX sms_notice_by_conversation ON sms_notice (conversation_id, seq) WHERE kind = 'notice';

-- Every incoming SMS, matched or not, so none is ever lost: the gateway's id makes a redelivery a no-op.
-- Sender number and text are sealed under the receiving tenant's key (null when no tenant has the
-- receiving number: then nothing can be sealed, and only the fact is kept).
CREATE TABLE sms_inbound (
    gateway_id    bigint PRIMARY KEY,
    tenant_id     uuid REFERENCES tenant,
    msisdn_enc    bytea,
    msisdn_index  bytea,
    body_enc      bytea,
    outcome       text NOT NULL,
    message_id    uuid,
    received_at   timestamptz NOT NULL
);

-- Webhook signatures already accepted (replay protection), kept until their freshness window ends.
CREATE TABLE sms_webhook_token (
    token_hash    bytea PRIMARY KEY,
    expires_at    timestamptz NOT NULL
);
