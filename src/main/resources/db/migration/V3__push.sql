-- Push notifications (FCM): devices of citizens and staff, and the pushes that are due.

-- Whether a push may name the unit ("Du har en ny besked fra Jobcenter – Team Ung"). Off by default: the
-- push passes through Apple and Google, and a unit's name can say more about a citizen than they like.
ALTER TABLE tenant ADD COLUMN push_shows_unit_name boolean NOT NULL DEFAULT false;

-- A push token (FCM registration token) of one app installation. A token belongs to one owner at a
-- time: registering it as someone else moves it. The token itself is sealed under the tenant's data
-- key, bound to the row; token_hash (SHA-256) finds it and keeps it unique without revealing it.
CREATE TABLE device (
    id            uuid PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenant,
    owner_kind    text NOT NULL CHECK (owner_kind IN ('citizen', 'staff')),
    -- citizen.id or staff_member.id
    owner_id      uuid NOT NULL,
    token_hash    bytea NOT NULL,
    token_enc     bytea NOT NULL,
    platform      text NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
    app_version   text,
    locale        text,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    CONSTRAINT device_token_unique UNIQUE (token_hash)
);
CREATE INDEX device_by_owner ON device (owner_id);

-- The units a staff member belonged to when their device registered (staff units come from the token,
-- not the database): a citizen's message pushes to the devices of its unit's staff.
CREATE TABLE device_unit (
    unit_id    uuid NOT NULL REFERENCES unit,
    device_id  uuid NOT NULL REFERENCES device ON DELETE CASCADE,
    PRIMARY KEY (unit_id, device_id)
);
CREATE INDEX device_unit_by_device ON device_unit (device_id);

-- A push that is due because a message committed: written by the message statement itself (so a
-- crash between commit and send loses nothing), only when the recipient side has a device. One row
-- per conversation and side: a burst of messages collapses into one push (seq is the newest).
-- next_attempt_at: null = first attempt, due at pending_since + the grace period; otherwise a lease
-- (a relay is sending) or the time of the next retry. No foreign key: that would cost the message
-- path one more lookup, and rows live for seconds. No index beyond the key: the table stays tiny.
CREATE TABLE push_due (
    conversation_id  uuid NOT NULL,
    side             text NOT NULL CHECK (side IN ('citizen', 'staff')),
    seq              bigint NOT NULL,
    pending_since    timestamptz NOT NULL,
    next_attempt_at  timestamptz,
    attempts         integer NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, side)
);

-- Pushes given up on (retries exhausted, or an answer that retrying cannot change), for operators.
CREATE TABLE push_failure (
    conversation_id  uuid NOT NULL,
    side             text NOT NULL,
    seq              bigint NOT NULL,
    reason           text NOT NULL,
    attempts         integer NOT NULL,
    failed_at        timestamptz NOT NULL
);
CREATE INDEX push_failure_by_conversation ON push_failure (conversation_id);
