-- Children and guardians (issue 20, part B). A citizen's age is derived from the CPR number when needed
-- (at sign-in from the verified token, or from the sealed CPR) and never stored: no date of birth here.

-- Per unit: the youngest age at which a child may use the service on their own (MitID is available from
-- 13), and whether children may write themselves (false: they read only). Settings columns of the unit
-- (identity's table, read by every feature); constant defaults, so adding them rewrites no row.
ALTER TABLE unit ADD COLUMN child_min_age smallint NOT NULL DEFAULT 13 CHECK (child_min_age BETWEEN 0 AND 18),
    ADD COLUMN children_may_write boolean NOT NULL DEFAULT true;

-- A child's guardians (forældremyndighedsindehavere), registered by a caseworker from the CPR register
-- with the basis recorded: who registered it, for which unit, and when. A guardianship ends when staff end
-- it (ended_at, ended_by) or by itself on the child's 18th birthday — that is evaluated at each access from
-- the child's sealed CPR, so no date of birth is stored here. Rows are never deleted by this feature's API:
-- the history of who was a guardian stays.
-- owner: guardian
CREATE TABLE guardianship (
    id             uuid PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES tenant,
    child_id       uuid NOT NULL REFERENCES citizen,
    guardian_id    uuid NOT NULL REFERENCES citizen,
    basis          text NOT NULL CHECK (basis IN ('parental-authority')),
    unit_id        uuid NOT NULL REFERENCES unit,
    registered_by  uuid NOT NULL REFERENCES staff_member,
    registered_at  timestamptz NOT NULL,
    ended_at       timestamptz,
    ended_by       uuid REFERENCES staff_member,
    CHECK (child_id <> guardian_id)
);
CREATE UNIQUE INDEX guardianship_current ON guardianship (child_id, guardian_id) WHERE ended_at IS NULL;
CREATE INDEX guardianship_by_guardian ON guardianship (guardian_id) WHERE ended_at IS NULL;

-- Who a conversation is with (its parties), recorded when it is opened:
--   'citizen'   the citizen is the party (as before this migration);
--   'guardians' a caseworker's conversation about a child (citizen_id) with the child's guardians as the
--               parties (guardian_ids, citizens of the same tenant, current guardians when added); the child
--               is the subject, not a party, and does not see it;
--   'child'     the child's own (counselling, anonymous advice, and every conversation a child opens): never
--               shown to guardians, and guardians can never be added (the CHECK below).
-- A guardian sees and writes in a 'guardians' conversation while their guardianship lasts (ended by staff:
-- removed from guardian_ids at once; the child's 18th birthday: evaluated at each access).
-- owner: conversation
ALTER TABLE conversation ADD COLUMN parties text NOT NULL DEFAULT 'citizen'
        CHECK (parties IN ('citizen', 'guardians', 'child')),
    ADD COLUMN guardian_ids uuid[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT conversation_guardians_only_with_parties CHECK (parties = 'guardians' OR cardinality(guardian_ids) = 0);
CREATE INDEX conversation_by_guardian ON conversation USING gin (guardian_ids) WHERE parties = 'guardians';
