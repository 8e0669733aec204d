PREPARE l(text, bigint, text, int) AS SELECT * FROM recovery_operation
            WHERE (CAST($1 AS text) IS NULL OR team = $1)
              AND (CAST($2 AS bigint) IS NULL OR server_id = $2)
              AND (CAST($3 AS text) IS NULL OR state = $3)
            ORDER BY accepted_at DESC, id LIMIT $4;
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE l(NULL, NULL, 'accepted', 100);
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE l(NULL, NULL, 'failed', 100);
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE l('team7', NULL, 'accepted', 100);
PREPARE d(text, timestamptz, int) AS SELECT * FROM recovery_operation
            WHERE state NOT IN ('accepted', 'in_progress', 'completed') AND state = $1 AND next_check_at <= $2
            ORDER BY next_check_at, id LIMIT $3;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE d('pending_approval', now(), 100);
