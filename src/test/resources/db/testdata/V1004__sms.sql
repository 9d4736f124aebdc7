-- SMS settings of the test tenants: testby answers unknown senders and opens new conversations in
-- unit X; andenby only records unknown senders.
INSERT INTO sms_tenant (tenant_id, sender, receiver, escalation_delay, auto_reply, default_unit_id) VALUES
    ('00000000-0000-7000-8000-000000000001', 'Testby', '4512340000', '15 minutes',
     'Vi kender ikke dit nummer. Log ind i appen Samtale for at skrive til os.',
     '00000000-0000-7000-8000-0000000000a1'),
    ('00000000-0000-7000-8000-000000000002', 'Andenby', '4512340001', '15 minutes', NULL, NULL);
