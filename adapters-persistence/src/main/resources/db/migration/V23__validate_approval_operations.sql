-- V21 added the approval steps' names to audit_event_operation_check NOT VALID (no scan under its brief
-- ACCESS EXCLUSIVE lock). Validating here, in a migration of its own, scans audit_event under a SHARE UPDATE
-- EXCLUSIVE lock only: reads and writes go on meanwhile; only other schema changes of the table wait.
SET LOCAL lock_timeout = '5s';

ALTER TABLE audit_event VALIDATE CONSTRAINT audit_event_operation_check;
