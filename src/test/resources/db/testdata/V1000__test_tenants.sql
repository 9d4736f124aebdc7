-- Tenants for the tests: "testby" with units X and Y, "andenby" with unit Z (and "slettetby" below).
INSERT INTO tenant (id, slug, name) VALUES
    ('00000000-0000-7000-8000-000000000001', 'testby', 'Testby Kommune'),
    ('00000000-0000-7000-8000-000000000002', 'andenby', 'Andenby Kommune');
INSERT INTO unit (id, tenant_id, name, external_id) VALUES
    ('00000000-0000-7000-8000-0000000000a1', '00000000-0000-7000-8000-000000000001', 'Jobcenter – Team Ung', 'unit-x'),
    ('00000000-0000-7000-8000-0000000000a2', '00000000-0000-7000-8000-000000000001', 'Børn og Unge', 'unit-y'),
    ('00000000-0000-7000-8000-0000000000b1', '00000000-0000-7000-8000-000000000002', 'Jobcenter', 'unit-z');
-- A tenant whose keys EncryptionAtRestTest destroys (crypto-shredding), so no other test depends on it.
INSERT INTO tenant (id, slug, name) VALUES ('00000000-0000-7000-8000-000000000003', 'slettetby', 'Slettetby Kommune');
INSERT INTO unit (id, tenant_id, name, external_id) VALUES
    ('00000000-0000-7000-8000-0000000000c1', '00000000-0000-7000-8000-000000000003', 'Jobcenter', 'unit-s');
