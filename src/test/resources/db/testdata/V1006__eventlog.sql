-- What the tests' probe consumer of the event log (platform.ProbeConsumer) took from the log: the key
-- makes a second take of one event fail, so "exactly once" is checked by PostgreSQL itself.
CREATE TABLE test_probe_taken (
    message_id  uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL,
    seq         bigint NOT NULL
);
