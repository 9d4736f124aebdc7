-- The chat domain: a tenant (municipality) has units; staff belong to units (through their token's
-- groups); every conversation belongs to one unit and one citizen; messages have a gap-free seq per
-- conversation.

CREATE TABLE tenant (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE unit (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenant,
    name         text NOT NULL,
    -- the value in a staff token's groups claim that means "member of this unit"
    external_id  text NOT NULL,
    UNIQUE (tenant_id, external_id)
);

-- A staff member is known from the first request with a valid staff token (name kept for display).
CREATE TABLE staff_member (
    id            uuid PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenant,
    subject       text NOT NULL,
    name          text NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    UNIQUE (tenant_id, subject)
);

-- A tenant's data keys (DEKs), stored only wrapped by the key-encryption key (KEK) from a mounted
-- secret. Purpose 'data' seals values (AES-256-GCM), 'index' keys the blind indexes (HMAC-SHA-256).
-- Rotation adds a new active key and keeps the old ones readable; crypto-shredding deletes the
-- wrapped key material, which makes everything sealed under it unreadable.
CREATE TABLE data_key (
    id            integer PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenant,
    purpose       text NOT NULL CHECK (purpose IN ('data', 'index')),
    wrapped       bytea,
    kek_id        text NOT NULL,
    active        boolean NOT NULL,
    created_at    timestamptz NOT NULL,
    destroyed_at  timestamptz
);
CREATE SEQUENCE data_key_id_seq OWNED BY data_key.id;
CREATE UNIQUE INDEX data_key_one_active ON data_key (tenant_id, purpose) WHERE active;

-- A citizen is known by CPR within a tenant: staff can open a conversation before the citizen has
-- ever logged in; the citizen's MitID token (dk.cpr) finds the same row. CPR and name are sealed;
-- cpr_index (HMAC of the CPR under the tenant's index key) makes equality lookups possible.
CREATE TABLE citizen (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenant,
    cpr_enc     bytea NOT NULL,
    cpr_index   bytea NOT NULL,
    name_enc    bytea,
    created_at  timestamptz NOT NULL,
    UNIQUE (tenant_id, cpr_index)
);

CREATE TABLE conversation (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenant,
    unit_id          uuid NOT NULL REFERENCES unit,
    citizen_id       uuid NOT NULL REFERENCES citizen,
    subject          text NOT NULL,
    status           text NOT NULL CHECK (status IN ('open', 'closed')),
    assignee_id      uuid REFERENCES staff_member,
    case_number      text,
    kle_class        text,
    -- the seq of the newest message; the next message takes last_seq + 1 under this row's lock,
    -- which only contends within one conversation
    last_seq         bigint NOT NULL DEFAULT 0,
    last_message_at  timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX conversation_by_unit ON conversation (unit_id, status, updated_at DESC);
CREATE INDEX conversation_by_citizen ON conversation (citizen_id, status, updated_at DESC);

CREATE TABLE message (
    id                 uuid PRIMARY KEY,
    conversation_id    uuid NOT NULL REFERENCES conversation,
    seq                bigint NOT NULL,
    sender_kind        text NOT NULL CHECK (sender_kind IN ('citizen', 'staff', 'system')),
    -- citizen.id or staff_member.id
    sender_id          uuid NOT NULL,
    client_message_id  text NOT NULL,
    -- sealed under the tenant's data key body_key, bound to (tenant, message id, 'body')
    body_enc           bytea NOT NULL,
    body_key           integer NOT NULL,
    channel            text NOT NULL CHECK (channel IN ('app', 'web', 'sms')),
    created_at         timestamptz NOT NULL,
    CONSTRAINT message_seq_unique UNIQUE (conversation_id, seq),
    -- idempotent sending: a repeated clientMessageId from the same sender is the same message
    CONSTRAINT message_idempotency UNIQUE (sender_id, client_message_id)
);-- (no index on body_key: it would cost every send an index insert; the re-encryption job, which runs
-- rarely, scans a tenant's messages through its conversations instead)

-- Per participant and conversation: how far they have read, and how far a device of theirs has
-- received. Cursors only move forward.
CREATE TABLE read_cursor (
    conversation_id  uuid NOT NULL REFERENCES conversation,
    reader_id        uuid NOT NULL,
    reader_kind      text NOT NULL CHECK (reader_kind IN ('citizen', 'staff')),
    read_seq         bigint NOT NULL DEFAULT 0,
    delivered_seq    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, reader_id)
);
