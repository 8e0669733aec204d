package org.vpsrecovery.cli;

/**
 * The exit codes scripts may rely on (docs/cli.md lists them). Stable: a new case gets a new number.
 */
public final class ExitCodes {

    /** Done; with --wait, the operation completed. */
    public static final int OK = 0;
    /** The command line was wrong, or the service refused the request as malformed (400, 413, 415, 431). */
    public static final int USAGE = 1;
    /** Refused by a policy, a limit or the resource's state (409, 422). */
    public static final int REFUSED = 2;
    /** No such snapshot, backup, server or operation for this token (404). */
    public static final int NOT_FOUND = 3;
    /** No token, a wrong one, or one whose role does not allow this (401, 403). */
    public static final int UNAUTHORIZED = 4;
    /** Rate-limited or unavailable (429, 503): try again after the Retry-After printed. */
    public static final int BUSY = 5;
    /** With --wait: the operation ended failed, vanished or timed_out. */
    public static final int OPERATION_FAILED = 6;
    /** The service could not be reached (connection refused, timeout, bad URL). */
    public static final int UNREACHABLE = 7;
    /** Any other answer: the service or VPS.org failed (500, 502, 504, an unexpected status). */
    public static final int SERVICE_ERROR = 8;

    private ExitCodes() {
    }

    /** The exit code a refused request ends with, by its HTTP status. */
    public static int forStatus(int status) {
        return switch (status) {
            case 400, 405, 413, 415, 431 -> USAGE;
            case 409, 422 -> REFUSED;
            case 404 -> NOT_FOUND;
            case 401, 403 -> UNAUTHORIZED;
            case 429, 503 -> BUSY;
            default -> SERVICE_ERROR;
        };
    }
}
