-- Two-person approval (issue 15 item 2, ADR 0040). A restore or delete a team must have approved is stored as
-- its operation, 'pending_approval', until a second person of the team decides; the approval lives in the
-- operation's own row, so one versioned update decides it (two deciders, or a decider and the expiry: one wins).
SET LOCAL lock_timeout = '5s';

-- New operation states, read from the constraint as it stands and extended (states other migrations add are kept).
DO
$$
DECLARE
    known text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO known
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conrelid = 'recovery_operation'::regclass AND c.conname = 'recovery_operation_state_check';
    known := ARRAY(SELECT DISTINCT unnest(known || ARRAY['pending_approval', 'approved', 'denied', 'expired', 'rejected'])
                   ORDER BY 1);
    ALTER TABLE recovery_operation DROP CONSTRAINT recovery_operation_state_check;
    EXECUTE format('ALTER TABLE recovery_operation ADD CONSTRAINT recovery_operation_state_check CHECK (state IN (%s))',
                   (SELECT string_agg(quote_literal(name), ', ') FROM unnest(known) AS name));
END;
$$;

-- Who asked (the actor, never a token), until when, what the request carried besides the row's own fields; then
-- who decided, what, when and why. Null for every operation that needed no approval.
ALTER TABLE recovery_operation
    ADD COLUMN approval_requester_subject        text CHECK (length(approval_requester_subject) BETWEEN 1 AND 200),
    ADD COLUMN approval_requester_authentication text CHECK (approval_requester_authentication IN ('jwt', 'service-token')),
    ADD COLUMN approval_requester_key_id         text CHECK (length(approval_requester_key_id) BETWEEN 1 AND 200),
    ADD COLUMN approval_requested_at             timestamptz,
    ADD COLUMN approval_expires_at               timestamptz,
    ADD COLUMN approval_skip_safety_snapshot     boolean,
    ADD COLUMN approval_verdict                  text CHECK (approval_verdict IN ('approve', 'deny')),
    ADD COLUMN approval_decider_subject          text CHECK (length(approval_decider_subject) BETWEEN 1 AND 200),
    ADD COLUMN approval_decider_authentication   text CHECK (approval_decider_authentication = 'jwt'),
    ADD COLUMN approval_decider_key_id           text CHECK (length(approval_decider_key_id) BETWEEN 1 AND 200),
    ADD COLUMN approval_decided_at               timestamptz,
    ADD COLUMN approval_reason                   text CHECK (length(approval_reason) BETWEEN 1 AND 500),
    ADD CONSTRAINT recovery_operation_approval_complete CHECK (
        (approval_requester_subject IS NULL) = (approval_requester_authentication IS NULL)
        AND (approval_requester_subject IS NULL) = (approval_requested_at IS NULL)
        AND (approval_requester_subject IS NULL) = (approval_expires_at IS NULL)
        AND (approval_requester_subject IS NULL) = (approval_skip_safety_snapshot IS NULL)
        AND (approval_verdict IS NULL) = (approval_decider_subject IS NULL)
        AND (approval_verdict IS NULL) = (approval_decider_authentication IS NULL)
        AND (approval_verdict IS NULL) = (approval_decided_at IS NULL)
        AND (approval_verdict IS NULL OR approval_requester_subject IS NOT NULL)
        AND (approval_reason IS NULL OR approval_verdict IS NOT NULL)
        AND (approval_expires_at IS NULL OR approval_expires_at > approval_requested_at)),
    -- The two-person rule, kept by the table too: the decider is never the requester.
    ADD CONSTRAINT recovery_operation_approval_second_person CHECK (approval_decider_subject <> approval_requester_subject),
    ADD CONSTRAINT recovery_operation_approval_state CHECK (
        state NOT IN ('pending_approval', 'approved', 'denied', 'expired', 'rejected') OR approval_requester_subject IS NOT NULL);

-- The approvals job's work list: what waits for a decision or for its run.
CREATE INDEX recovery_operation_approval_open ON recovery_operation (accepted_at)
    WHERE state IN ('pending_approval', 'approved');

-- Each step is audited: four operation names in the append-only history, read from the constraint as it stands and
-- extended. Added NOT VALID (a brief lock, no scan); V23 validates it.
DO
$$
DECLARE
    known text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO known
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([A-Z_]+)''', 'g') AS m
    WHERE c.conrelid = 'audit_event'::regclass AND c.conname = 'audit_event_operation_check';
    known := ARRAY(SELECT DISTINCT unnest(known || ARRAY['REQUEST_APPROVAL', 'APPROVE_OPERATION', 'DENY_OPERATION',
                                                         'EXPIRE_APPROVAL']) ORDER BY 1);
    ALTER TABLE audit_event DROP CONSTRAINT audit_event_operation_check;
    EXECUTE format('ALTER TABLE audit_event ADD CONSTRAINT audit_event_operation_check CHECK (operation IN (%s)) NOT VALID',
                   (SELECT string_agg(quote_literal(name), ', ') FROM unnest(known) AS name));
END;
$$;

-- Validated by V23, in a transaction of its own: there the scan takes only a SHARE UPDATE EXCLUSIVE lock, so writes
-- to audit_event go on meanwhile (as V20 did for V15/V16).
