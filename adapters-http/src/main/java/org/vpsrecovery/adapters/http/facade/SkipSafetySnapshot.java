package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;

/** The query parameter {@code skip_safety_snapshot} of both restores (ADR 0029). */
final class SkipSafetySnapshot {

    static final String NAME = "skip_safety_snapshot";
    static final String DESCRIPTION = "true: restore without first taking a safety snapshot of the server's current "
            + "state, even though the team's setting asks for one; the skip is audited in the restore's events "
            + "(safety_snapshot: skipped). Absent or false: a team whose setting is on gets 202 and the restore "
            + "continues once the safety snapshot completes.";

    /** What both restores' descriptions say of the safety snapshot. */
    static final String RESTORE_NOTE = "When the team's safety-snapshot setting is on (and skip_safety_snapshot is not "
            + "true), the restored server's current state is snapshotted first: the answer is 202 with the restore's "
            + "operation (X-Operation-Id), in the phase awaiting_safety_snapshot, and the restore runs once that snapshot "
            + "completes (if it does not, the restore ends failed, SAFETY_SNAPSHOT_FAILED; if it does and the restore's "
            + "checks, made again then, refuse it, e.g. the backup gone at VPS.org meanwhile, the restore ends failed with "
            + "that reason, the snapshot kept). At the snapshot limit it is refused at once, SAFETY_SNAPSHOT_LIMIT_REACHED; "
            + "when VPS.org refuses the delete of the snapshot rotated away to make room, 409 ROTATION_NOT_POSSIBLE naming it.";
    /** Both restores' 202 answer. */
    static final String WAITING_ANSWER = "the team's restores take a safety snapshot first: the restore's operation, "
            + "awaiting_safety_snapshot; follow it at GET /api/v1/operations/{id}/ (its id is X-Operation-Id)";

    private SkipSafetySnapshot() {
    }

    /** Absent or {@code false}: not skipped; {@code true}: skipped; anything else is refused. */
    static boolean requested(HttpRequest<?> request) {
        return BooleanQueryParameter.read(request, NAME);
    }
}
