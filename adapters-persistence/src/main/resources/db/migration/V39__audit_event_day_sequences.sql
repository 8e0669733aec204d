-- A filtered page with a time range (issue 13, docs/adr/0077): each UTC day's first and last sequence, so the page
-- reads a range of sequences, which every page index ends in, instead of walking the history down from its newest
-- event to the period (14,000-30,000 buffers for a team's old month at 1 M events). Times and sequences do not grow
-- together everywhere (an event written later from a backlog keeps its time; two instances' clocks differ): the bounds
-- of a day are those of all its events, whatever their order, so the range read always holds every event of the days.
-- Kept by its own statement trigger, in the transaction of the events, whoever inserts; apart from the count trigger,
-- so a change to either cannot leave the other out.
CREATE TABLE audit_event_day_sequence (
    day            date   PRIMARY KEY,
    first_sequence bigint NOT NULL,
    last_sequence  bigint NOT NULL,
    CONSTRAINT audit_event_day_sequence_ordered CHECK (first_sequence <= last_sequence)
);
COMMENT ON TABLE audit_event_day_sequence IS 'The lowest and highest sequence of the audit events of each UTC day; maintained by audit_event_day_sequences.';

CREATE FUNCTION audit_event_day_sequences() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    -- Appends are ordered by the chain head row lock (ADR 0005); other inserters meet in the conflict handling.
    INSERT INTO audit_event_day_sequence AS d (day, first_sequence, last_sequence)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, min(sequence), max(sequence)
    FROM added
    GROUP BY 1
    ORDER BY 1
    ON CONFLICT (day) DO UPDATE
        SET first_sequence = least(d.first_sequence, excluded.first_sequence),
            last_sequence = greatest(d.last_sequence, excluded.last_sequence);
    RETURN NULL;
END;
$$;

-- The events already there, read without holding appends off (a whole pass of the table: 2-7 s at 1 M events);
-- then, under the lock that creating the trigger takes anyway (SHARE ROW EXCLUSIVE: appends wait, reads go on),
-- those committed meanwhile: they come after the first pass's last sequence (appends commit in sequence order).
INSERT INTO audit_event_day_sequence (day, first_sequence, last_sequence)
SELECT (occurred_at AT TIME ZONE 'UTC')::date, min(sequence), max(sequence)
FROM audit_event
GROUP BY 1;

SET LOCAL lock_timeout = '5s';

-- A team's events of one outcome ("our failures"), with or without a period: the primary key walked and filtered
-- before (10,905 buffers for a team's FAILED at 1 M events; ADR 0077). One more entry an append (+1 WAL record, +130
-- bytes an event at 1 M). Built in this transaction (docs/architecture.md, "Migrations on large tables"): appends wait
-- from here to the commit, 5.4 s at 1 M events, about a minute at 10 M: migrate in a quiet hour.
CREATE INDEX audit_event_team_outcome_sequence ON audit_event (team, outcome_kind, sequence);

LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER audit_event_day_sequences
    AFTER INSERT ON audit_event
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_day_sequences();

INSERT INTO audit_event_day_sequence AS d (day, first_sequence, last_sequence)
SELECT (occurred_at AT TIME ZONE 'UTC')::date, min(sequence), max(sequence)
FROM audit_event
WHERE sequence > (SELECT coalesce(max(last_sequence), 0) FROM audit_event_day_sequence)
GROUP BY 1
ON CONFLICT (day) DO UPDATE
    SET first_sequence = least(d.first_sequence, excluded.first_sequence),
        last_sequence = greatest(d.last_sequence, excluded.last_sequence);

REVOKE ALL ON audit_event_day_sequence FROM PUBLIC;
-- The trigger runs as the appender: it reads and moves the bounds, never removes them.
GRANT SELECT, INSERT, UPDATE ON audit_event_day_sequence TO vpsr_app;
