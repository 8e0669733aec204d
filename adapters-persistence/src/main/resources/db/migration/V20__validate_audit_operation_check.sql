-- V15 and V16 added audit_event_operation_check NOT VALID (no scan under their brief lock). Validating it
-- scans audit_event under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on meanwhile; only other schema
-- changes of the table wait.
SET LOCAL lock_timeout = '5s';

ALTER TABLE audit_event VALIDATE CONSTRAINT audit_event_operation_check;
