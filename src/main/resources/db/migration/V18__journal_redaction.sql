-- owner: journal
-- Journal entries that survive their conversation's deletion (issue 16). Entries made from now on are
-- version 2: the hash and the signature cover a small header holding the payload's hash, so a deleted
-- conversation's entries lose their payload (payload_enc NULL, item_head the whole entry as served without
-- it, item_tail empty) and the chain still verifies. Version 1 entries are kept exactly as they were.
ALTER TABLE journal_entry ALTER COLUMN payload_enc DROP NOT NULL;
ALTER TABLE journal_entry ALTER COLUMN payload_key DROP NOT NULL;
-- a redacted entry has no payload and no key; an entry with a payload has its key
ALTER TABLE journal_entry ADD CONSTRAINT journal_entry_payload_key
    CHECK ((payload_enc IS NULL) = (payload_key IS NULL));
-- finds a conversation's entries when it is deleted
CREATE INDEX journal_entry_by_conversation ON journal_entry (conversation_id);
