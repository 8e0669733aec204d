-- Issue 14's policy leftovers (ADR 0036): who made a recovery point is read from the create operation
-- that names it (its request id says which policy's run, if any), and a hold is refused while a delete
-- of the point is open. Both look operations up by the point.
CREATE INDEX recovery_operation_resource ON recovery_operation (resource_type, resource_id)
    WHERE resource_type IS NOT NULL;
