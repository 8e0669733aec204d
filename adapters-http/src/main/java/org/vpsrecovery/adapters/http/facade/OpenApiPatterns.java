package org.vpsrecovery.adapters.http.facade;

/** What the OpenAPI document says the inputs look like: the same rules the facade and the domain check. */
final class OpenApiPatterns {

    /** A VPS.org id in a path or query: a positive decimal integer (at most a signed 64-bit one). */
    static final String ID = "^[1-9][0-9]{0,18}$";
    static final int ID_MAX_LENGTH = 19;
    /** The response headers every answer, a change's or a replay's carries (README; ADR 0006, session 52). */
    static final String REQUEST_ID_HEADER_DESCRIPTION = "the request's id, the one sent as X-Request-Id or one generated; "
            + "quote it when asking the platform team";
    static final int REQUEST_ID_MAX_LENGTH = 128; // RequestId.MAX_LENGTH
    static final String OPERATION_ID_HEADER_DESCRIPTION = "the change's operation: follow it at GET /api/v1/operations/{id}/";
    static final String RESTORE_OPERATION_ID_HEADER_DESCRIPTION = "the started restore's operation (absent on a dry run's "
            + "plan): follow it at GET /api/v1/operations/{id}/";
    static final String REPLAYED_HEADER_DESCRIPTION = "true when this is the stored first answer to the same "
            + "Idempotency-Key, sent again; VPS.org was not asked again";
    static final String ID_MAXIMUM = "9223372036854775807";
    /** {@code IdempotencyKey}: 1-255 printable ASCII characters. */
    static final String IDEMPOTENCY_KEY = "^[ -~]{1,255}$";
    static final int IDEMPOTENCY_KEY_MAX_LENGTH = 255;
    static final String IDEMPOTENCY_KEY_DESCRIPTION = "makes a retry safe: the same key, method, path and body "
            + "within 24 hours get the first answer again (header Idempotent-Replayed: true) without calling "
            + "VPS.org; keys are per team";
    /** {@code Description}: no control characters nor line separators (the domain refuses more, which a regex cannot name). */
    static final String DRY_RUN_DESCRIPTION = "true: answer what the call would do (each policy's verdict, what would be "
            + "deleted or overwritten) without doing it, audited as a plan; 200 with the plan, also when a policy refuses";
    static final String DESCRIPTION = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*$";
    /** {@code TeamId}: a slug. */
    static final String TEAM = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$";
    /** {@code RequestId}. */
    static final String REQUEST_ID = "^[A-Za-z0-9._:/+=@-]{1,128}$";
    static final String REASON_CODE = "^[A-Za-z][A-Za-z0-9_]{0,63}$";
    /** An ISO-8601 UTC time as the audit reports take it, e.g. 2026-01-15T00:00:00Z. */
    static final int TIME_MAX_LENGTH = 35;
    /** The audit events' paging cursor: base64url, opaque. */
    static final String CURSOR = "^[A-Za-z0-9_-]{1,64}$";

    private OpenApiPatterns() {
    }
}
