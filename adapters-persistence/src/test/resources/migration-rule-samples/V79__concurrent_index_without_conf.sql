-- forgot the .sql.conf
DROP INDEX CONCURRENTLY IF EXISTS recovery_operation_by_kind;
CREATE INDEX CONCURRENTLY recovery_operation_by_kind ON recovery_operation (kind);
