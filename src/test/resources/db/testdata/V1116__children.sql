-- Units of testby for the children-and-guardians tests (issue 20, part B): K lets children from 13 write,
-- R lets children from 10 read only, Q is the one whose settings the operator API test changes.
INSERT INTO unit (id, tenant_id, name, external_id, child_min_age, children_may_write) VALUES
    ('00000000-0000-7000-8000-0000001116a1', '00000000-0000-7000-8000-000000000001', 'Familierådgivningen', 'unit-k', 13, true),
    ('00000000-0000-7000-8000-0000001116a2', '00000000-0000-7000-8000-000000000001', 'Skolesundhedsplejen', 'unit-r', 10, false),
    ('00000000-0000-7000-8000-0000001116a3', '00000000-0000-7000-8000-000000000001', 'PPR', 'unit-q', 13, true);
