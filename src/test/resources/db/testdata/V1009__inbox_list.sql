-- Units of testby used only by InboxListApiTest: unit-list for the test of view counts and waiting order
-- (no other test's conversation may count there), unit-list-panel for its other tests.
INSERT INTO unit (id, tenant_id, name, external_id) VALUES
    ('00000000-0000-7000-8000-0000000000ab', '00000000-0000-7000-8000-000000000001', 'Jobcenter – Team Liste', 'unit-list'),
    ('00000000-0000-7000-8000-0000000000ac', '00000000-0000-7000-8000-000000000001', 'Jobcenter – Team Panel', 'unit-list-panel');
