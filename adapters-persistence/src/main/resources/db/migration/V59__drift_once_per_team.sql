-- A drift is recorded once per team, point and kind (ADR 0035, amended in session 38): a change of the teams file
-- can move a server to another team, whose scans must find and resolve its drifts under its own name; with one row
-- per point and kind the new owner never got its own, and the former owner's row went on collecting resolutions.
-- Same constraint name: the insert's ON CONFLICT ON CONSTRAINT names it. The table holds a few rows per drift found:
-- rebuilt at once; a lock not granted in time fails the migration rather than queue the scans behind it.
SET LOCAL lock_timeout = '5s';
ALTER TABLE recovery_point_drift
    DROP CONSTRAINT recovery_point_drift_once,
    ADD CONSTRAINT recovery_point_drift_once UNIQUE (team, resource_type, resource_id, kind);
