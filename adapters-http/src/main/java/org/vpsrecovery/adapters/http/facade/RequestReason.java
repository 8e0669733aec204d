package org.vpsrecovery.adapters.http.facade;

/** Reason codes for requests refused by the web layer itself, before any use case runs. */
public enum RequestReason {
    INVALID_JSON,
    INVALID_FIELD,
    INVALID_ID,
    INVALID_QUERY_PARAMETER,
    UNKNOWN_QUERY_PARAMETER,
    INVALID_TIME_RANGE,
    /** A summary whose answer would exceed its bound (every team by day, team by team, over a long period). */
    SUMMARY_TOO_LARGE,
    PAGE_SIZE_OUT_OF_RANGE,
    INVALID_CURSOR,
    INVALID_REQUEST_ID,
    INVALID_IDEMPOTENCY_KEY,
    /** If-Match is not one ETag of a policy ("3"). */
    INVALID_IF_MATCH,
    BODY_TOO_LARGE,
    HEADERS_TOO_LARGE,
    URI_TOO_LONG,
    MALFORMED_REQUEST,
    INVALID_URI,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_ACCEPTABLE,
    ROUTE_NOT_FOUND,
    METHOD_NOT_ALLOWED,
    UNAUTHORIZED,
    /** A valid person's token that gives no caller here: no role of this service, both roles, no configured team (403). */
    NOT_ENTITLED,
    /** {@code X-Vpsr-Team} names another team than the one a service token acts for (400). */
    TEAM_NOT_THE_TOKENS,
    /** A person's valid JWT names several teams and {@code X-Vpsr-Team} chose none (400; it was a 401). */
    TEAM_NOT_CHOSEN,
    /** A JWT could not be checked: the identity provider's keys are unreachable and none are kept (503). */
    IDENTITY_PROVIDER_UNAVAILABLE,
    CROSS_ORIGIN_REFUSED,
    IDEMPOTENCY_KEY_REUSED,
    IDEMPOTENT_REQUEST_IN_PROGRESS,
    IDEMPOTENT_REQUEST_INTERRUPTED,
    TOO_MANY_WAITING_REQUESTS,
    /** This instance is stopping (SIGTERM, ADR 0038): the same request succeeds on another one, or here never. */
    INSTANCE_DRAINING,
    BAD_REQUEST,
    INTERNAL_ERROR
}
