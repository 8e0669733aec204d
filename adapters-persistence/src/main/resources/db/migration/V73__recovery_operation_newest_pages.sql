-- GET /api/v1/operations/ pages newest first (ADR 0024, amended in session 52): accepted later first, then the greater
-- id, a page after the last one shown as (accepted_at, id) < (its acceptance, its id). One index per filter the list
-- takes, each in the list's order with the id as its tie-break, so every page reads its rows in order from the cursor
-- on and never sorts or skips the team's (or server's) others:
--   a team's, and a team's in one state (the team's own list);
--   a server's, and a server's in one state (server_id=, and the platform's own reads of one server's: drift, intents);
--   every team's, and every team's in one state (an auditor's list).
-- V6's (team, accepted_at DESC) and (server_id, accepted_at DESC) are prefixes of two of these: replaced, not kept.
-- The operations are written a few times each (accepted, in progress, ended); four more entries per write is little.
-- The drops come last (own-merge review; as V56, ADR 0142 session 37): a DROP INDEX takes ACCESS EXCLUSIVE, held to
-- the commit, so dropped first it stopped every read of the table for the whole of the six builds; built first, the
-- builds hold SHARE, which reads do not wait for (writes do, as deploy.md says).
SET LOCAL lock_timeout = '5s';
CREATE INDEX recovery_operation_team_newest ON recovery_operation (team, accepted_at DESC, id DESC);
CREATE INDEX recovery_operation_team_state_newest ON recovery_operation (team, state, accepted_at DESC, id DESC);
CREATE INDEX recovery_operation_server_newest ON recovery_operation (server_id, accepted_at DESC, id DESC);
CREATE INDEX recovery_operation_server_state_newest ON recovery_operation (server_id, state, accepted_at DESC, id DESC);
CREATE INDEX recovery_operation_newest ON recovery_operation (accepted_at DESC, id DESC);
CREATE INDEX recovery_operation_state_newest ON recovery_operation (state, accepted_at DESC, id DESC);
DROP INDEX recovery_operation_team;
DROP INDEX recovery_operation_server;
