package org.vpsrecovery.adapters.http.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.WebhookMessageFormat;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * The message as the Standard Webhooks specification suggests: {@code type}, {@code timestamp} and
 * {@code data} (ADR 0025). Beside the transport that sends it; the persistence adapter calls it
 * through the port when an event is appended and stores the text, which is what gets signed.
 */
public final class StandardWebhooksFormat implements WebhookMessageFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Detail keys copied into {@code data} as they are, whenever the event has them (in this order): an approval step's
     * kind and safety-snapshot choice, a change's kind, and the policy or hold an event is about.
     */
    private static final List<String> FACTS_COPIED = List.of(AuditEvent.APPROVAL_KIND, AuditEvent.CHANGE_KIND,
            AuditEvent.SKIP_SAFETY_SNAPSHOT, AuditEvent.POLICY_ID, AuditEvent.POLICY_VERSION, AuditEvent.HOLD_ID);

    @Override
    public String body(WebhookEventType type, RecordedAuditEvent recorded) {
        AuditEvent event = recorded.event();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("audit_sequence", recorded.sequence());
        data.put("team", event.team().value());
        data.put("request_id", event.requestId().value());
        // An approval step names its operation in approval_of, not attempt_id (ADR 0040): the receiver gets it as any.
        event.attemptId().or(() -> Optional.ofNullable(event.detail().get(AuditEvent.APPROVAL_OF)))
                .ifPresent(id -> data.put("operation_id", id));
        data.put("operation", event.operation().name().toLowerCase(Locale.ROOT));
        event.server().ifPresent(server -> data.put("server_id", server.value()));
        event.resource().ifPresent(resource -> {
            // In a fixed order (Map.of's varies between runs).
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("type", resource.type().name().toLowerCase(Locale.ROOT));
            ref.put("id", resource.id());
            data.put("resource", ref);
        });
        data.put("outcome", event.outcome().kind().name());
        // Who did it (ADR 0034), as the API shows an approval's people; never a token, and no key id.
        Actor.of(event).ifPresent(actor -> {
            Map<String, Object> who = new LinkedHashMap<>();
            who.put("subject", actor.subject());
            who.put("authentication", actor.authentication().wireName());
            data.put("actor", who);
        });
        // A drift's kind (ADR 0035): what a receiver routes on.
        Optional.ofNullable(event.detail().get(AuditEvent.DRIFT_KIND)).ifPresent(kind -> data.put("drift_kind", kind));
        // What an approval step is about (ADR 0040/0043, amended session 51): an approver told by webhook sees whether it is
        // a delete or a restore (with or without its safety snapshot), or which hold or policy a change touches.
        // As the API types them: the safety-snapshot choice a boolean, a policy's version a number.
        for (String key : FACTS_COPIED) {
            Optional.ofNullable(event.detail().get(key)).ifPresent(value -> data.put(key, switch (key) {
                case AuditEvent.SKIP_SAFETY_SNAPSHOT -> Boolean.parseBoolean(value);
                case AuditEvent.POLICY_VERSION -> asNumber(value);
                default -> value;
            }));
        }
        event.outcome().reasonCode().ifPresent(reason -> data.put("reason_code", reason.name()));
        event.outcome().explanation().or(() -> Optional.ofNullable(event.detail().get(AuditEvent.MESSAGE)))
                .ifPresent(message -> data.put("message", message));
        if (event.providerStatus().isPresent()) {
            data.put("provider_status", event.providerStatus().getAsInt());
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type.wireName());
        message.put("timestamp", event.occurredAt().toString());
        message.put("data", data);
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always has a JSON form", e);
        }
    }

    /** A number when it is one: the message is made as the event is appended, so it never fails on what it copies. */
    private static Object asNumber(String value) {
        return value.matches("-?[0-9]{1,18}") ? (Object) Long.parseLong(value) : value;
    }
}
