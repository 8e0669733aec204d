-- A team's changes, newest asked first (GET /api/v1/changes/, ADR 0043 amended in session 52): one index for the whole
-- list and one for a state's (an approver's "what waits for me" is pending_approval among many decided ones), each in
-- the list's order, so a page reads its rows in order from the cursor on and never sorts or skips the team's others.
-- pending_change is small and written a few times per change; the two indexes cost that little.
SET LOCAL lock_timeout = '5s';
CREATE INDEX pending_change_team_newest ON pending_change (team, requested_at DESC, id DESC);
CREATE INDEX pending_change_team_state_newest ON pending_change (team, state, requested_at DESC, id DESC);
