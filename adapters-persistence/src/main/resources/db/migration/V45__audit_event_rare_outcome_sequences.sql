-- Pages of rare outcomes (issue 13, docs/adr/0085): every team's failures of one operation walked the primary key
-- (1,836 buffers a page at 1 M events), a team's of one operation the team's failures or operations (434-1,083), a
-- server's failures the server's events (~300); each grows with the history. Partial on the rare outcomes: only a
-- FAILED, UNRESOLVED or UNVERIFIABLE event (2 % of the benchmark's history) is entered and pays for them when
-- appended. AuditEventRows writes these kinds into the page's SQL as literals, so that the generic plan pgjdbc's
-- prepared statements switch to after five executions can prove the predicate (a bound outcome cannot).
-- The team follows the sequence: compared in the index, it filters one operation's failures without a heap visit.
-- Built in this transaction, appends waiting meanwhile (SHARE lock; 3.3 s and 1.8 s at 1 M events, load ~15: each
-- reads the whole table; about 10x at 10 M, not measured): migrate a large history in a quiet hour (ADR 0077 on
-- CREATE INDEX CONCURRENTLY under Flyway).
SET LOCAL lock_timeout = '5s';
CREATE INDEX audit_event_rare_outcome_operation ON audit_event (outcome_kind, operation, sequence, team)
    WHERE outcome_kind IN ('FAILED', 'UNRESOLVED', 'UNVERIFIABLE');
CREATE INDEX audit_event_rare_outcome_server ON audit_event (server_id, outcome_kind, sequence)
    WHERE outcome_kind IN ('FAILED', 'UNRESOLVED', 'UNVERIFIABLE') AND server_id IS NOT NULL;
