-- Where reconciliation's walk of the intents has reached: every intent below settled_below had a final outcome on the
-- chain whose head was head_sequence with head_hash (ADR 0076, amended in session 46). Kept in memory per instance
-- before, so the first run after every start walked the whole history in one statement, which the ordinary pool's
-- network bound (ADR 0023) cuts short once the history is large: the mark never moved, and every run walked again from
-- the first event. Here it survives restarts, is shared by every instance, and goes back with the database when the
-- database is restored to an earlier point; the head it was found at tells a history that went back without it. One
-- row, moved only by AuditEventRows. The release before this one neither reads nor writes it.
CREATE TABLE intent_walk_mark (
    id            smallint PRIMARY KEY CHECK (id = 1),
    settled_below bigint   NOT NULL CHECK (settled_below >= 0),
    head_sequence bigint   NOT NULL CHECK (head_sequence >= 0),
    head_hash     bytea    NOT NULL
);
INSERT INTO intent_walk_mark (id, settled_below, head_sequence, head_hash) VALUES (1, 0, 0, ''::bytea);

-- The service's role reads and moves it; nothing removes it.
GRANT SELECT, UPDATE ON intent_walk_mark TO vpsr_app;
