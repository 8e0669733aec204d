-- Waits while the test holds migration_gate, so that a second instance starts while this one migrates.
SELECT count(*) FROM test_gate.migration_gate;
INSERT INTO test_gate.migration_runs (ran) VALUES (true);
