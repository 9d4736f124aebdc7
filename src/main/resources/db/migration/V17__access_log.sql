-- Records (issue 16): who accessed a citizen's data, for the citizen's insight (GDPR Art. 15), the data
-- protection officer and the tenant's admins. Written off the request path: records.BufferedAccessLog
-- buffers accesses in memory, coalesces repeats and appends them in batches.

-- owner: records
-- One access to a citizen's data by a person (staff, the citizen) or a system (a service client). Ids only:
-- never message text, never a CPR number. Hash-chained per tenant like the journal: hash = SHA-256 over
-- previous_hash and the row's canonical fields (records.AccessChain), so an edited, inserted or removed row
-- breaks the chain (GET /api/v1/admin/access-log/verify). Append-only: the trigger refuses UPDATE always and
-- DELETE except in a transaction that says it is pruning (records.AccessLogPruning), which removes only the
-- oldest rows past the retention period and moves the chain's anchor (access_log_head) in the same
-- transaction.
CREATE TABLE access_log (
    tenant_id        uuid NOT NULL REFERENCES tenant,
    position         bigint NOT NULL,
    id               uuid NOT NULL UNIQUE,
    at               timestamptz NOT NULL,
    -- staff (actor_id = staff_member.id), service (actor_client = the token's subject), citizen (their own
    -- insight report: actor_id = citizen.id)
    actor_kind       text NOT NULL CHECK (actor_kind IN ('staff', 'service', 'citizen')),
    actor_id         uuid,
    actor_client     text,
    citizen_id       uuid NOT NULL,
    conversation_id  uuid,
    unit_id          uuid,
    kind             text NOT NULL,
    purpose          text NOT NULL,
    previous_hash    bytea NOT NULL,
    hash             bytea NOT NULL,
    PRIMARY KEY (tenant_id, position)
);
CREATE INDEX access_log_by_citizen ON access_log (tenant_id, citizen_id, position);
CREATE INDEX access_log_by_actor ON access_log (tenant_id, actor_id, position) WHERE actor_id IS NOT NULL;
CREATE INDEX access_log_by_time ON access_log (tenant_id, at);

CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('samtale.access_log_pruning', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'access_log is append-only (rows leave only by pruning past the retention period)';
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();

-- owner: records
-- Each tenant's chain: the newest position and hash (appended under this row's lock), and the anchor the
-- oldest remaining row must chain from (first_position, anchor_hash; position 1 and 32 zero bytes until the
-- first pruning).
CREATE TABLE access_log_head (
    tenant_id       uuid PRIMARY KEY REFERENCES tenant,
    position        bigint NOT NULL,
    hash            bytea NOT NULL,
    first_position  bigint NOT NULL,
    anchor_hash     bytea NOT NULL,
    pruned_at       timestamptz
);

-- owner: records
-- A tenant's choices, set by its admin: whether the citizen's insight report names the employee who
-- accessed their data (off by default: many municipalities name the unit only, so that staff are not
-- exposed to a citizen's anger; the DPO always sees the names).
CREATE TABLE access_log_settings (
    tenant_id              uuid PRIMARY KEY REFERENCES tenant,
    show_staff_to_citizen  boolean NOT NULL DEFAULT false,
    updated_at             timestamptz NOT NULL
);

-- owner: records
-- The purpose recorded for accesses by staff of a unit (e.g. "sagsbehandling", "børnesag"); a unit without
-- a row gets the configured default for the kind of access.
CREATE TABLE access_purpose (
    unit_id     uuid PRIMARY KEY REFERENCES unit,
    tenant_id   uuid NOT NULL REFERENCES tenant,
    purpose     text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 100),
    updated_at  timestamptz NOT NULL
);
