-- Two outcome kinds (ADR 0023): UNRESOLVED, written when the provider's answer was lost and what
-- happened is still to be established (not final); UNVERIFIABLE, final, when the provider offers no
-- read that can establish it. Both carry a reason and a cause, like FAILED. Existing rows are
-- untouched and read as before.
ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_kind_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_outcome_kind_check
    CHECK (outcome_kind IN ('ACCEPTED', 'REJECTED', 'FAILED', 'COMPLETED', 'UNRESOLVED', 'UNVERIFIABLE'));

ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_shape;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_outcome_shape CHECK (
    CASE outcome_kind
        WHEN 'REJECTED' THEN outcome_reason IS NOT NULL AND outcome_cause IS NULL
        WHEN 'FAILED' THEN outcome_reason IS NOT NULL AND outcome_cause IS NOT NULL
        WHEN 'UNRESOLVED' THEN outcome_reason IS NOT NULL AND outcome_cause IS NOT NULL
        WHEN 'UNVERIFIABLE' THEN outcome_reason IS NOT NULL AND outcome_cause IS NOT NULL
        ELSE outcome_reason IS NULL AND outcome_cause IS NULL
    END);

-- Outcomes are matched to their intent by the platform's attempt id (detail.attempt_id), never by
-- the caller-chosen request id.
CREATE INDEX audit_event_attempt ON audit_event ((detail->>'attempt_id'), sequence) WHERE (detail->>'attempt_id') IS NOT NULL;
