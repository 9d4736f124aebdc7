-- Issue 14 item 7: the conversation subject is free text a citizen types (a name or a CPR number ends up
-- there), so it is sealed like message bodies: AES-GCM under the tenant's data key, bound to the row
-- (crypto.Binding "conversation/<id>/subject"). New rows are written sealed. Rows written before this
-- migration are sealed at start by conversation.SubjectSealing (Java: the keys are not in the database),
-- in small batches; until a row is sealed its clear column is read. Afterwards `subject` is NULL on every
-- row; the column stays only for that step.
ALTER TABLE conversation ADD COLUMN subject_enc bytea;
ALTER TABLE conversation ALTER COLUMN subject DROP NOT NULL;
ALTER TABLE conversation ADD CONSTRAINT conversation_has_subject CHECK (subject IS NOT NULL OR subject_enc IS NOT NULL);
-- finds what is left to seal without scanning (empty once every row is sealed)
CREATE INDEX conversation_subject_in_clear ON conversation (id) WHERE subject IS NOT NULL;
