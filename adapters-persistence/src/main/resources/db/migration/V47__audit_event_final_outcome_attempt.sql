-- Reconciliation's pending-intent walk (issue 13, docs/adr/0107) asks, for each intent since the first unsettled one,
-- whether a later final outcome ends its attempt. Without an index by attempt id (V38 dropped V5's, ADR 0074) the
-- question walked the primary key from the intent to its outcome: as many events as the history took between the two
-- (minutes of traffic when VPS.org takes minutes), and to the history's end for an attempt still open; the walk's cost
-- grew with the rate times the operations' length, every minute, and with the whole history after a start.
-- Partial on the final outcomes that name an attempt: an intent, a refusal or an event of no attempt only tests the
-- predicate when appended. The sequence follows the attempt id: the probe is "a later one", one index entry.
-- Built inside the migration's transaction, as V37's and V45's (docs/architecture.md, "Migrations on large tables"):
-- it blocks appends while it reads the table, so on a large history migrate in a quiet hour.
SET LOCAL lock_timeout = '10s';

CREATE INDEX audit_event_final_outcome_attempt ON audit_event ((detail->>'attempt_id'), sequence)
    WHERE outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE') AND (detail->>'attempt_id') IS NOT NULL;
