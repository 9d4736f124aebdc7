-- The staff inbox: canned replies per unit, internal notes, office hours with an automatic reply.

-- Canned replies ("skabeloner"), shared by the staff of one unit. Plain text: they are written by
-- staff for many citizens and hold no personal data.
CREATE TABLE reply_template (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenant,
    unit_id     uuid NOT NULL REFERENCES unit,
    title       text NOT NULL,
    body        text NOT NULL,
    updated_by  uuid NOT NULL REFERENCES staff_member,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX reply_template_by_unit ON reply_template (unit_id, title);

-- Internal notes on a conversation: staff of the unit only, never sent to the citizen, not part of
-- the message seq and not journaled. The body is sealed like a message body (it is about the
-- citizen), bound to (tenant, 'note', id, 'body').
CREATE TABLE conversation_note (
    id               uuid PRIMARY KEY,
    conversation_id  uuid NOT NULL REFERENCES conversation,
    author_id        uuid NOT NULL REFERENCES staff_member,
    body_enc         bytea NOT NULL,
    body_key         integer NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX conversation_note_by_conversation ON conversation_note (conversation_id, created_at);

-- Opening hours per unit, in the unit's time zone. A unit without a row is always open (no
-- automatic reply). weekly: {"mon": [["08:00","15:30"]], "tue": [...], ...}; a missing day is closed.
CREATE TABLE office_hours (
    unit_id     uuid PRIMARY KEY REFERENCES unit,
    tenant_id   uuid NOT NULL REFERENCES tenant,
    time_zone   text NOT NULL,
    weekly      jsonb NOT NULL,
    auto_reply  text,
    enabled     boolean NOT NULL,
    updated_at  timestamptz NOT NULL
);
