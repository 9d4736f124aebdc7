-- Per-conversation data keys (issue 16): the keys themselves live in the key vault, a database of its own
-- (db/keyvault). Here only what must reach the vault after a conversation's rows are deleted.

-- owner: crypto
-- Conversations whose rows were deleted (retention, erasure) and whose keys are still to be destroyed in
-- the vault: written in the deleting transaction, so a key is destroyed exactly when its rows are gone for
-- good (a rolled-back deletion leaves the key), and emptied by crypto.KeyShredding after the vault said so.
CREATE TABLE conversation_key_shredding (
    conversation_id uuid PRIMARY KEY,
    tenant_id       uuid        NOT NULL,
    deleted_at      timestamptz NOT NULL DEFAULT now()
);
