-- Each team's fair share of VPS.org, shared by every instance (issue 15 item 3, ADR 0037).

-- The request-rate buckets: Bucket4j's PostgreSQL proxy manager (select for update) owns the state
-- column; one row per team and rate (the id names both, so a changed rate starts a fresh bucket).
CREATE TABLE team_rate_bucket (
    id    text  PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    state bytea
);

-- The calls in flight: at most callsInFlight slots per team, each leased by one request until it ends
-- or until leased_until, so that the slots of an instance that died free themselves.
CREATE TABLE team_call_slot (
    team         text        NOT NULL,
    slot         integer     NOT NULL CHECK (slot >= 0),
    holder       uuid        NOT NULL,
    leased_until timestamptz NOT NULL,
    PRIMARY KEY (team, slot)
);

REVOKE ALL ON team_rate_bucket, team_call_slot FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON team_rate_bucket TO vpsr_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON team_call_slot TO vpsr_app;
