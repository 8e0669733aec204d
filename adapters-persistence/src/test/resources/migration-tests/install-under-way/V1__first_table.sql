-- Applied before the gate: a check reading the history without Flyway's lock sees V1 of V2.
CREATE TABLE test_gate.installed_first (id int);
