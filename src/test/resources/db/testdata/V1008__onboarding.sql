-- testby's municipality code: tokens of the shared fake IdP (testing.FakeStaffIdp) name it by claim.
UPDATE tenant SET municipality_code = '901' WHERE slug = 'testby';
