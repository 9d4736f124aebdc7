-- Correcting what was sent (issue 20): a sender retracts a message the other side has not read yet,
-- staff correct (berigtige) their own messages. Records are never deleted from the case file: the
-- message row and its journal entry stay; a retraction and each correction are events of the log
-- (kinds 'retracted' and 'corrected', written in the same transaction), which the journal turns into
-- entries of their own pointing to the original's position.

-- owner: conversation
-- Two nullable columns without defaults: adding them rewrites nothing, and the message statement
-- (which never names them) stays exactly as it was.
-- retracted_at: when the sender retracted it (views show no body from then on).
-- correction: the version of its newest correction (message_correction), null when never corrected.
ALTER TABLE message ADD COLUMN retracted_at timestamptz, ADD COLUMN correction integer;

-- owner: conversation
-- Every correction of a message, kept (staff see the original and the reasons; the journal entry of each
-- correction carries its text). Text and reason are sealed under the tenant's data key data_key, bound to
-- (tenant, message id, 'correction-<version>-body' / '-reason'); the database never sees them in clear.
CREATE TABLE message_correction (
    message_id    uuid NOT NULL REFERENCES message,
    version       integer NOT NULL CHECK (version >= 1),
    body_enc      bytea NOT NULL,
    reason_enc    bytea NOT NULL,
    data_key      integer NOT NULL,
    corrected_by  uuid NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (message_id, version)
);
