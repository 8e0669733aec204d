-- A time range's sequence bounds (V39's days, ADR 0077) read inside the page's own statement (ADR 0093), for a page
-- narrowed by a request id (the tracker's reads of one operation's events): one statement instead of the bounds'
-- and the page's. STABLE: evaluated once per scan, so the page's index still reads from the range's first sequence.
-- Null where no day qualifies: then no event can be in the range, and the comparison with null keeps none.
CREATE FUNCTION audit_sequence_from(from_day date) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT min(first_sequence) FROM audit_event_day_sequence WHERE day >= from_day $$;

CREATE FUNCTION audit_sequence_up_to(to_day date) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT max(last_sequence) FROM audit_event_day_sequence WHERE day <= to_day $$;
