-- Issue 18: the case system gets a real delivery.

-- How the service authenticates to a tenant's case system. Only the non-secret parts live here (the
-- client secret, client certificate and key are mounted files named in configuration, per tenant).
ALTER TABLE journal_settings
    ADD COLUMN push_auth text NOT NULL DEFAULT 'none'
        CHECK (push_auth IN ('none', 'client-credentials', 'mutual-tls')),
    ADD COLUMN token_url text,
    ADD COLUMN client_id text,
    ADD COLUMN scope text,
    -- the conversation document names the citizen's CPR number only when the tenant asks for it
    ADD COLUMN document_includes_cpr boolean NOT NULL DEFAULT false;

-- The municipality's KLE catalogue, uploaded by its admin as KL's XML files (feature kle). Each part
-- (the subject plan, the action facets) is replaced as a whole.
-- owner: kle
CREATE TABLE kle_catalogue (
    tenant_id    uuid NOT NULL REFERENCES tenant,
    part         text NOT NULL CHECK (part IN ('emneplan', 'handlingsfacetter')),
    published    text,
    entries      integer NOT NULL,
    uploaded_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, part)
);

-- owner: kle
CREATE TABLE kle_entry (
    tenant_id  uuid NOT NULL REFERENCES tenant,
    kind       text NOT NULL CHECK (kind IN ('main', 'group', 'subject', 'facet')),
    number     text NOT NULL,
    title      text NOT NULL,
    retired    boolean NOT NULL,
    PRIMARY KEY (tenant_id, kind, number)
);
-- titles by prefix for the inbox (text_pattern_ops: LIKE 'prefix%' uses the index)
CREATE INDEX kle_entry_prefix ON kle_entry (tenant_id, number text_pattern_ops);

-- Lifecycle entries (opened, closed, reopened, transferred, case reference set) and the conversation
-- document are entries of the chain without a message of their own.
ALTER TABLE journal_entry ALTER COLUMN message_id DROP NOT NULL;

-- One conversation document per (conversation, last message seq it shows): closing twice, closing on two
-- replicas at once, or closing again after a reopen without new messages journals it once.
-- owner: journal
CREATE TABLE journal_document (
    conversation_id  uuid NOT NULL,
    last_seq         bigint NOT NULL,
    entry_id         uuid NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, last_seq)
);
