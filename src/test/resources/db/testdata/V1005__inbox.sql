-- Units of testby used only by the inbox tests: the browser tests' inbox shows only their own
-- conversations, and the office-hours test's automatic replies reach no other test's conversation.
INSERT INTO unit (id, tenant_id, name, external_id) VALUES
    ('00000000-0000-7000-8000-0000000000a9', '00000000-0000-7000-8000-000000000001', 'Ungeindsatsen', 'unit-inbox'),
    ('00000000-0000-7000-8000-0000000000aa', '00000000-0000-7000-8000-000000000001', 'Ungdommens Uddannelsesvejledning', 'unit-hours');
