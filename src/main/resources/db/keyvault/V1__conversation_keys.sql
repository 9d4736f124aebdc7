-- The key vault: one data key per conversation, in a database of its own (datasource "keyvault"), backed
-- up apart from the main database and only briefly. Destroying a conversation's key (deleting its row)
-- makes the conversation unreadable in every backup of the main database, which holds only ciphertext.
--
-- The key is wrapped (AES-256-GCM) by the tenant's data key, which lives in the main database wrapped by
-- the KEK: this database alone opens nothing, the main database alone opens no conversation content.
CREATE TABLE conversation_key (
    conversation_id uuid PRIMARY KEY,
    tenant_id       uuid        NOT NULL,
    -- the tenant data key that wraps it (also named inside the sealed value); rotation re-wraps by it
    tenant_key      integer     NOT NULL,
    wrapped         bytea       NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX conversation_key_by_tenant_key ON conversation_key (tenant_id, tenant_key);
