package org.vpsrecovery.adapters.persistence.kept;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.vpsrecovery.adapters.persistence.AuditEventRows;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.server.ServerId;

/** One kept event as one line of JSON: the file's own form, mapped to and from the domain here only. */
record KeptEventLine(
        @JsonProperty("occurred_at") String occurredAt,
        String team,
        @JsonProperty("request_id") String requestId,
        String operation,
        @JsonProperty("server_id") Long serverId,
        @JsonProperty("resource_type") String resourceType,
        @JsonProperty("resource_id") Long resourceId,
        @JsonProperty("outcome_kind") String outcomeKind,
        @JsonProperty("outcome_reason") String outcomeReason,
        @JsonProperty("outcome_cause") String outcomeCause,
        @JsonProperty("provider_status") Integer providerStatus,
        Map<String, String> detail) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static byte[] of(AuditEvent event) {
        Outcome outcome = event.outcome();
        KeptEventLine line = new KeptEventLine(event.occurredAt().toString(), event.team().value(),
                event.requestId().value(), event.operation().name(), event.server().map(ServerId::value).orElse(null),
                event.resource().map(r -> r.type().name()).orElse(null), event.resource().map(ResourceRef::id).orElse(null),
                outcome.kind().name(), outcome.reasonCode().map(Enum::name).orElse(null),
                outcome.explanation().orElse(null),
                event.providerStatus().isPresent() ? event.providerStatus().getAsInt() : null,
                new TreeMap<>(event.detail()));
        try {
            // Escaped as JSON, no text of an event holds a raw line break: one event, one line.
            return JSON.writeValueAsString(line).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit event always has a JSON form", e);
        }
    }

    /** The event of a line; {@link IllegalArgumentException} when it does not read as one. */
    static AuditEvent read(byte[] json) {
        KeptEventLine line;
        try {
            line = JSON.readValue(json, KeptEventLine.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a kept event: " + e.getMessage(), e);
        }
        return line.event();
    }

    private AuditEvent event() {
        try {
            return AuditEventRows.event(Instant.parse(occurredAt), team, requestId, operation, serverId, resourceType,
                    resourceId, outcomeKind, outcomeReason, outcomeCause, providerStatus, detail == null ? Map.of() : detail);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a kept event: " + e.getMessage(), e);
        }
    }
}
