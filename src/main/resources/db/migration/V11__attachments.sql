-- Attachments (dk.samtale.attachment, issue 17). Owned by the attachment feature: no other feature reads
-- these tables. A file is uploaded first (its own request: detected, scanned, cleaned, encrypted and
-- stored here), and a message then names it by id.

-- owner: attachment
CREATE TABLE attachment (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenant,
    conversation_id    uuid NOT NULL,
    uploader_kind      text NOT NULL CHECK (uploader_kind IN ('citizen', 'staff')),
    uploader_id        uuid NOT NULL,
    -- the file name as the uploader gave it; sealed (names often hold a person's name or CPR), bound to
    -- (tenant, attachment id, 'file_name')
    file_name_enc      bytea NOT NULL,
    -- detected from the content (never from the name or the declared type)
    media_type         text NOT NULL,
    -- accepted: scanned clean and cleaned, downloadable once a message names it
    -- quarantined: the scanner was unavailable; the upload waits (encrypted) for a rescan, never served
    -- infected: the scanner found malware; nothing of the content is kept
    -- refused: scanned clean after a quarantine, but it could not be cleaned (damaged, password-protected)
    state              text NOT NULL CHECK (state IN ('quarantined', 'accepted', 'infected', 'refused')),
    -- the cleaned file's size and SHA-256 (what is served, journaled and handed to the case system)
    size_bytes         bigint,
    sha256             bytea,
    has_thumbnail      boolean NOT NULL DEFAULT false,
    -- what the scanner said (signature name when infected); never the content
    verdict            text,
    scan_attempts      integer NOT NULL DEFAULT 0,
    next_scan_at       timestamptz,
    -- set when a message claims it: (uploader_id, client_message_id) is that message's idempotency key
    client_message_id  text,
    message_id         uuid,
    created_at         timestamptz NOT NULL,
    accepted_at        timestamptz
);
CREATE INDEX attachment_rescan ON attachment (next_scan_at) WHERE state = 'quarantined';
CREATE INDEX attachment_claim ON attachment (uploader_id, client_message_id) WHERE client_message_id IS NOT NULL;
CREATE INDEX attachment_message ON attachment (message_id) WHERE message_id IS NOT NULL;

-- The PostgreSQL FileStore: each stored file is a run of sealed chunks (AES-256-GCM, each bound to
-- attachment id, variant, chunk index and whether it is the last), so chunks cannot be reordered,
-- swapped between files, dropped or appended without the read failing.
CREATE TABLE attachment_chunk (
    attachment_id  uuid NOT NULL,
    -- original (a quarantined upload awaiting its scan), clean (what is served), thumbnail
    variant        text NOT NULL CHECK (variant IN ('original', 'clean', 'thumbnail')),
    idx            integer NOT NULL,
    data           bytea NOT NULL,
    PRIMARY KEY (attachment_id, variant, idx)
);
-- chunks are already encrypted and do not compress: keep them out of TOAST's compression attempt
ALTER TABLE attachment_chunk ALTER COLUMN data SET STORAGE EXTERNAL;

-- Per-tenant rules; a tenant without a row gets the configured defaults (samtale.attachments.*).
CREATE TABLE attachment_policy (
    tenant_id          uuid PRIMARY KEY REFERENCES tenant,
    allowed_types      text[] NOT NULL,
    max_file_bytes     bigint NOT NULL CHECK (max_file_bytes > 0),
    max_message_bytes  bigint NOT NULL CHECK (max_message_bytes > 0)
);
