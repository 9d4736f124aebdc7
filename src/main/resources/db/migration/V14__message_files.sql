-- Files going with messages (issue 17, upload-then-send). A message names the files it carries by id
-- (conversation's own column: ids only, so a view knows which messages need describing without asking
-- the attachment feature about every message); the attachment feature records the link in its own
-- table (attachment.message_id, set in the message's transaction).
ALTER TABLE message ADD COLUMN attachment_ids uuid[];

-- Uploads no message took, oldest first, for their cleanup after samtale.attachments.unsent-retention.
CREATE INDEX attachment_unsent ON attachment (created_at) WHERE message_id IS NULL;

-- The data key an upload's name and chunks were sealed under, so re-encryption after a key rotation finds
-- the files still on a retired key without opening every chunk (null: not known, looked at once).
ALTER TABLE attachment ADD COLUMN sealed_key integer;
