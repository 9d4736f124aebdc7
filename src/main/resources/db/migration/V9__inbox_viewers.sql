-- Who has a conversation open in the staff inbox right now (team awareness): the page says so every
-- 15 s while the conversation is on screen, and removes its row when it leaves. Rows older than the
-- window count for nothing and are swept by the next heartbeat of the same conversation, so a closed
-- laptop leaves nothing behind for long. No personal data: ids and a time.
CREATE TABLE inbox_viewer (
    conversation_id  uuid NOT NULL REFERENCES conversation ON DELETE CASCADE,
    staff_id         uuid NOT NULL REFERENCES staff_member ON DELETE CASCADE,
    seen_at          timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, staff_id)
);
