-- Tenants of their own for the retention and journal-redaction tests (issue 16), so chains, policies and
-- deletions are theirs alone: "arkivby" (journal formats, redaction) and "glemby" (retention).
INSERT INTO tenant (id, slug, name) VALUES
    ('00000000-0000-7000-8000-000000001801', 'arkivby', 'Arkivby Kommune'),
    ('00000000-0000-7000-8000-000000001802', 'glemby', 'Glemby Kommune');
INSERT INTO unit (id, tenant_id, name, external_id) VALUES
    ('00000000-0000-7000-8000-0000000018a1', '00000000-0000-7000-8000-000000001801', 'Jobcenter', 'unit-arkiv'),
    ('00000000-0000-7000-8000-0000000018b1', '00000000-0000-7000-8000-000000001802', 'Jobcenter', 'unit-glem');
