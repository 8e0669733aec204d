package org.vpsrecovery.cli;

import java.util.Optional;
import java.util.Set;

/**
 * The exit codes scripts may rely on (docs/cli.md lists them). Stable: a new case gets a new number.
 */
public final class ExitCodes {

    /** Done; with --wait, the operation completed. */
    public static final int OK = 0;
    /**
     * The command line was wrong, or the service refused the request's form (400 INVALID_..., 406, 413, 415, 431): 406
     * NOT_ACCEPTABLE refuses the Accept sent as 415 the Content-Type, before anything was done; not a failure.
     */
    public static final int USAGE = 1;
    /**
     * Refused by a policy, a limit or the resource's state (409, but not its "not now" codes, which are {@link #BUSY};
     * 422; 412 and 428, a policy's version stale or missing; and a 400 with another reason code:
     * the facade answers VPS.org's limits, e.g. SNAPSHOT_LIMIT_REACHED, with VPS.org's 400).
     */
    public static final int REFUSED = 2;
    /** No such snapshot, backup, server or operation for this token (404). */
    public static final int NOT_FOUND = 3;
    /** No token, a wrong one, or one whose role does not allow this (401, 403). */
    public static final int UNAUTHORIZED = 4;
    /**
     * Rate-limited, busy or unavailable (429, 503; a 409 SERVER_BUSY, PROVIDER_BUSY or IDEMPOTENT_REQUEST_IN_PROGRESS):
     * try again after the Retry-After printed. Never once a change was accepted: --wait reads its operation again instead.
     */
    public static final int BUSY = 5;
    /**
     * With --wait: the operation ended failed, vanished or timed_out; or the audit chain is broken: audit verify found it
     * so, or a read of the events met an event changed outside the platform (AUDIT_EVENT_ALTERED).
     */
    public static final int OPERATION_FAILED = 6;
    /** The service could not be reached (connection refused, timeout, bad URL); for a change, before it was sent. */
    public static final int UNREACHABLE = 7;
    /**
     * Any other answer: the service or VPS.org failed (500, 502, 504, an unexpected status); or a change was sent and
     * no answer came (it may have taken effect, as after a 504 OUTCOME_UNKNOWN).
     */
    public static final int SERVICE_ERROR = 8;
    /** With --wait or operations wait: --timeout passed before the operation ended (it goes on). */
    public static final int WAIT_TIMED_OUT = 9;
    /** The answer could not be written whole to stdout (a full disk, a closed pipe): what was written is cut short. */
    public static final int OUTPUT_FAILED = 10;

    private ExitCodes() {
    }

    /**
     * The reason codes of a 400 that say the request's form was wrong, not that it was refused. TEAM_NOT_CHOSEN: a
     * person of several teams gave no --team, VPSR_TEAM or team= (the command line lacks it).
     */
    private static final Set<String> FORM_REASONS = Set.of("UNKNOWN_QUERY_PARAMETER", "PAGE_SIZE_OUT_OF_RANGE",
            "MALFORMED_REQUEST", "BAD_REQUEST", "BODY_TOO_LARGE", "HEADERS_TOO_LARGE", "URI_TOO_LONG", "TEAM_NOT_CHOSEN");

    /**
     * The 409s that say "not now" and come with Retry-After: another change holds the server, or the first request with
     * the same Idempotency-Key still runs. Trying again is what to do (ADR 0039, amended in session 44), not a refusal.
     * By reason code, not by Retry-After: a 409 RECOVERY_POINT_IN_USE carries one too (the restore hold's window, hours
     * perhaps), and is a refusal by the resource's state. PROVIDER_BUSY: VPS.org refused for now, the server being
     * restored or the point being made (ADR 0006, amended in session 51).
     */
    private static final Set<String> BUSY_CONFLICTS = Set.of("SERVER_BUSY", "IDEMPOTENT_REQUEST_IN_PROGRESS",
            "PROVIDER_BUSY");

    /** The reason code of a read that met an audit event changed outside the platform: the chain is broken. */
    static final String AUDIT_EVENT_ALTERED = "AUDIT_EVENT_ALTERED";

    /** The exit code a refused request ends with, by its HTTP status and problem+json reason code. */
    public static int forAnswer(int status, Optional<String> reasonCode) {
        if (reasonCode.filter(AUDIT_EVENT_ALTERED::equals).isPresent()) {
            // Not a refusal of the request (its 409 would be exit 2): what audit verify's broken chain exits with.
            return OPERATION_FAILED;
        }
        if (status == 409 && reasonCode.filter(BUSY_CONFLICTS::contains).isPresent()) {
            return BUSY;
        }
        if (status == 400) {
            return reasonCode.filter(reason -> !reason.startsWith("INVALID_") && !FORM_REASONS.contains(reason))
                    .isPresent() ? REFUSED : USAGE;
        }
        return switch (status) {
            case 405, 406, 413, 414, 415, 431 -> USAGE;
            case 409, 412, 422, 428 -> REFUSED;
            case 404 -> NOT_FOUND;
            case 401, 403 -> UNAUTHORIZED;
            case 429, 503 -> BUSY;
            default -> SERVICE_ERROR;
        };
    }
}
