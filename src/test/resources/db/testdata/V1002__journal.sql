-- A tenant of its own for the journal tests, so positions and the chain are theirs alone.
INSERT INTO tenant (id, slug, name) VALUES ('00000000-0000-7000-8000-000000000004', 'journalby', 'Journalby Kommune');
INSERT INTO unit (id, tenant_id, name, external_id) VALUES
    ('00000000-0000-7000-8000-0000000000d1', '00000000-0000-7000-8000-000000000004', 'Jobcenter', 'unit-j');
