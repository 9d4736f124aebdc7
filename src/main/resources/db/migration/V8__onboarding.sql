-- Onboarding without SQL (issue 15): tenants get a municipality code (the tenant a shared IdP's token
-- names by claim), units several external ids (IdPs name groups by GUID), staff their units as last
-- seen in their token (who may be assigned a conversation), and the staff audit trail.

ALTER TABLE tenant ADD COLUMN municipality_code text UNIQUE;

-- Every value of a staff token's groups claim that means "member of this unit". unit.external_id stays
-- as the unit's first one; the trigger mirrors it here, so rows written the old way are found too.
-- owner: identity
CREATE TABLE unit_external_id (
    tenant_id    uuid NOT NULL REFERENCES tenant,
    external_id  text NOT NULL,
    unit_id      uuid NOT NULL REFERENCES unit,
    PRIMARY KEY (tenant_id, external_id)
);
CREATE INDEX unit_external_id_by_unit ON unit_external_id (unit_id);
INSERT INTO unit_external_id (tenant_id, external_id, unit_id) SELECT tenant_id, external_id, id FROM unit;

CREATE FUNCTION unit_external_id_mirror() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_external_id (tenant_id, external_id, unit_id) VALUES (NEW.tenant_id, NEW.external_id, NEW.id)
    ON CONFLICT (tenant_id, external_id) DO NOTHING;
    RETURN NEW;
END $$;
CREATE TRIGGER unit_external_id_mirror AFTER INSERT OR UPDATE OF external_id ON unit
    FOR EACH ROW EXECUTE FUNCTION unit_external_id_mirror();

-- The units a staff member's latest token named: who may be assigned a conversation of a unit.
CREATE TABLE staff_unit (
    staff_id  uuid NOT NULL REFERENCES staff_member,
    unit_id   uuid NOT NULL REFERENCES unit,
    PRIMARY KEY (staff_id, unit_id)
);
CREATE INDEX staff_unit_by_unit ON staff_unit (unit_id);

-- Staff audit trail: who did what, when. Ids only: never message text, note text or a CPR number.
-- Append-only: the trigger refuses UPDATE and DELETE for every database user.
-- owner: audit
CREATE TABLE audit_entry (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenant,
    at           timestamptz NOT NULL,
    -- staff (actor_id = staff_member.id), service (a tenant's client) or operator (platform-admin)
    actor_kind   text NOT NULL CHECK (actor_kind IN ('staff', 'service', 'operator')),
    actor_id     uuid,
    -- the token's subject or client id for service and operator callers (never a citizen's)
    actor_client text,
    action       text NOT NULL,
    target_type  text NOT NULL,
    target_id    uuid,
    detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_entry_by_tenant ON audit_entry (tenant_id, id DESC);

CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only';
END $$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
