-- Where reconciliation's walk of the intents has reached: every intent below settled_below has a final outcome (ADR
-- 0076, amended in session 46). Kept in memory per instance before, so the first run after every start walked the whole
-- history in one statement, which the ordinary pool's network bound (ADR 0023) cuts short once the history is large:
-- the mark never moved, and every run walked again from the first event. Here it survives restarts, is shared by every
-- instance, and goes back with the database when the database is restored to an earlier point, as the history does.
-- One row; moved only forward by AuditEventRows (or back to where a walk from the first event reaches). The release
-- before this one neither reads nor writes it.
CREATE TABLE intent_walk_mark (
    id            smallint PRIMARY KEY CHECK (id = 1),
    settled_below bigint   NOT NULL CHECK (settled_below >= 0)
);
INSERT INTO intent_walk_mark (id, settled_below) VALUES (1, 0);

-- The service's role reads and moves it; nothing removes it.
GRANT SELECT, UPDATE ON intent_walk_mark TO vpsr_app;
