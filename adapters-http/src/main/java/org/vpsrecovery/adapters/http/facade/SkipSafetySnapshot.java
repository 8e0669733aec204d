package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import java.util.List;

/** The query parameter {@code skip_safety_snapshot} of both restores (ADR 0029). */
final class SkipSafetySnapshot {

    static final String NAME = "skip_safety_snapshot";
    static final String DESCRIPTION = "true: restore without first taking a safety snapshot of the server's current "
            + "state, even though the team's setting asks for one; the skip is audited in the restore's events "
            + "(safety_snapshot: skipped). Absent or false: a team whose setting is on gets 202 and the restore "
            + "continues once the safety snapshot completes.";

    private SkipSafetySnapshot() {
    }

    /** Absent or {@code false}: not skipped; {@code true}: skipped; anything else is refused. */
    static boolean requested(HttpRequest<?> request) {
        List<String> values = request.getParameters().getAll(NAME);
        if (values.isEmpty()) {
            return false;
        }
        if (values.size() == 1 && (values.get(0).equals("true") || values.get(0).equals("false"))) {
            return values.get(0).equals("true");
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, NAME, NAME + " must be true or false, once");
    }
}
