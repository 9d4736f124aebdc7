-- testby lets pushes name the unit; andenby keeps the default (generic text only).
UPDATE tenant SET push_shows_unit_name = true WHERE slug = 'testby';
