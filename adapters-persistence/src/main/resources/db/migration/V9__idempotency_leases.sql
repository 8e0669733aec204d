-- Leases on in-flight idempotency keys (ADR 0027): the attempt holding the key (its operation id, the
-- audit events' attempt_id) and until when. A key whose holder died is taken over once the lease ends,
-- instead of answering 409 until the record expires a day later. A completed record keeps the
-- operation its answer named (X-Operation-Id), so that a replay names it too.

ALTER TABLE idempotency_record
    ADD COLUMN holder                uuid,
    ADD COLUMN lease_until           timestamptz,
    ADD COLUMN response_operation_id uuid;

-- Keys in flight before leases existed: their holders are gone (this migration runs at a start), and
-- unknown, so the taker cannot tell whether they reached VPS.org: it answers so (ADR 0027).
UPDATE idempotency_record SET lease_until = created_at WHERE state = 'IN_FLIGHT';

ALTER TABLE idempotency_record
    ADD CONSTRAINT idempotency_record_lease_when_in_flight CHECK (state <> 'IN_FLIGHT' OR lease_until IS NOT NULL),
    ADD CONSTRAINT idempotency_record_operation_when_completed CHECK (state = 'COMPLETED' OR response_operation_id IS NULL);
