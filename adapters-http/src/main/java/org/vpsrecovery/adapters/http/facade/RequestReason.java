package org.vpsrecovery.adapters.http.facade;

/** Reason codes for requests refused by the web layer itself, before any use case runs. */
public enum RequestReason {
    INVALID_JSON,
    INVALID_FIELD,
    INVALID_ID,
    INVALID_QUERY_PARAMETER,
    UNKNOWN_QUERY_PARAMETER,
    INVALID_TIME_RANGE,
    PAGE_SIZE_OUT_OF_RANGE,
    INVALID_CURSOR,
    INVALID_REQUEST_ID,
    INVALID_IDEMPOTENCY_KEY,
    BODY_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_ACCEPTABLE,
    ROUTE_NOT_FOUND,
    METHOD_NOT_ALLOWED,
    UNAUTHORIZED,
    IDEMPOTENCY_KEY_REUSED,
    IDEMPOTENT_REQUEST_IN_PROGRESS,
    BAD_REQUEST,
    INTERNAL_ERROR
}
