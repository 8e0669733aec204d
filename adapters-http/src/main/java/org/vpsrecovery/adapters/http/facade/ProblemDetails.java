package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * An RFC 9457 problem: the standard members plus the platform's stable {@code reason_code} and
 * the {@code request_id} to quote to support. {@code field} names the offending input, if one;
 * {@code sequence} the audit event a read stopped at ({@code AUDIT_EVENT_ALTERED}), if one. Those two are left out
 * when they do not apply, so they are {@code @Nullable}: the OpenAPI document must not list them as required
 * (it did, and every problem without them failed a client's validation).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProblemDetails(
        String type,
        String title,
        int status,
        String detail,
        @JsonProperty("reason_code") String reasonCode,
        @JsonProperty("request_id") String requestId,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String field,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long sequence) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://vps-recovery.internal/problems/";

    public static ProblemDetails of(int status, String title, String detail, String reasonCode, String requestId,
                                    String field) {
        String type = TYPE_BASE + reasonCode.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return new ProblemDetails(type, title, status, detail, reasonCode, requestId, field, null);
    }

    /** The same problem naming the audit event's sequence the read stopped at. */
    public ProblemDetails withSequence(long eventSequence) {
        return new ProblemDetails(type, title, status, detail, reasonCode, requestId, field, eventSequence);
    }
}
