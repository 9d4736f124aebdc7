-- Retention, legal hold and deletion (issue 16).

-- conversation (owned by the conversation feature): when it was last closed, null while open. Set on
-- close, cleared on reopen; a closed conversation's retention period counts from here. Conversations
-- closed before this migration count from their last change.
ALTER TABLE conversation ADD COLUMN closed_at timestamptz;
UPDATE conversation SET closed_at = updated_at WHERE status = 'closed';
-- the retention job's candidates, oldest closed first (closed_at and status never change on the message
-- path, so sending keeps its HOT updates)
CREATE INDEX conversation_closed ON conversation (tenant_id, closed_at, id) WHERE status = 'closed';

-- audit_entry (owned by audit) stays append-only for every statement but the audit feature's own pruning
-- of rows past their retention period, which sets samtale.audit_prune for its transaction only.
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('samtale.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only';
END $$;

-- owner: retention
-- A tenant's retention policy, set by its admin. Days are counted from a conversation's closing (per KLE
-- prefix overrides: the longest matching prefix wins) and from each record kind's own time. The job
-- deletes nothing for a tenant until its admin has enabled the policy AND produced a dry run after the
-- policy's last change (dry_run_at >= updated_at).
CREATE TABLE retention_policy (
    tenant_id          uuid PRIMARY KEY REFERENCES tenant,
    conversation_days  integer NOT NULL CHECK (conversation_days >= 1),
    kle_days           jsonb NOT NULL DEFAULT '{}',
    record_days        jsonb NOT NULL DEFAULT '{}',
    enabled            boolean NOT NULL DEFAULT false,
    updated_at         timestamptz NOT NULL,
    updated_by         text NOT NULL,
    dry_run_at         timestamptz
);

-- Legal holds: while one is active (lifted_at null) on a conversation, or on a citizen (every conversation
-- of theirs), nothing of it is deleted. Who placed and lifted it, when and why, stay after it is lifted.
-- reason: a reference or a short justification typed by the municipality's admin (no personal data, like
-- a case number; see README "Privacy and records").
CREATE TABLE legal_hold (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenant,
    conversation_id  uuid,
    citizen_id       uuid,
    reason           text NOT NULL,
    placed_by        text NOT NULL,
    placed_at        timestamptz NOT NULL,
    lifted_by        text,
    lifted_at        timestamptz,
    lift_reason      text,
    CONSTRAINT legal_hold_one_target CHECK ((conversation_id IS NULL) <> (citizen_id IS NULL))
);
CREATE INDEX legal_hold_active ON legal_hold (tenant_id) WHERE lifted_at IS NULL;
