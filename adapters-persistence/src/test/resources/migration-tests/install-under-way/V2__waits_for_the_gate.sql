-- Waits while the test holds migration_gate: the install is under way, Flyway's lock held.
SELECT count(*) FROM test_gate.migration_gate;
