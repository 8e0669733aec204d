package org.vpsrecovery.domain.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A stored event holding a name this release does not know (an operation, outcome, reason or resource type a later
 * release added: deploy.md's two-release rule), whose hash holds over its stored parts: what was written is genuine,
 * this release just cannot interpret it. Its names are kept as the text stored, never turned into a known kind; what
 * every event has (time, team, request id, server) is read as usual, and its other stored parts (resource, cause,
 * provider status, detail) are carried as stored, so that pages and exports show the row whole (ADR 0005, amended in
 * sessions 49 and 50). Its detail is a map of text: the hash that holds is computed over it so (a detail of other
 * values is no event's, and the row then reads as altered). A row whose hash does not hold is no such event but an
 * altered one ({@link org.vpsrecovery.domain.port.AuditEventAltered}).
 *
 * @param unknownName which part holds the name this release does not know, and the name: "the operation X"
 * @param resourceType the resource's type as stored (a name), with {@code resourceId}: both or neither
 */
public record LaterReleaseEvent(long sequence, Instant occurredAt, TeamId team, RequestId requestId,
                                Optional<ServerId> server, String operation, String outcome, Optional<String> reason,
                                String unknownName, Optional<String> resourceType, Optional<Long> resourceId,
                                Optional<String> cause, OptionalInt providerStatus, Map<String, String> detail)
        implements AuditHistoryEntry {

    /** How a stored name is written (capitals, digits, '_'), as every name this release knows is. */
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,99}");

    public LaterReleaseEvent {
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence must be positive");
        }
        Objects.requireNonNull(occurredAt, "occurred at");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(unknownName, "unknown name");
        Objects.requireNonNull(resourceType, "resource type");
        Objects.requireNonNull(resourceId, "resource id");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(providerStatus, "provider status");
        requireName("operation", operation);
        requireName("outcome", outcome);
        reason.ifPresent(r -> requireName("reason", r));
        resourceType.ifPresent(t -> requireName("resource type", t));
        if (resourceType.isPresent() != resourceId.isPresent()) {
            throw new IllegalArgumentException("a resource is a type and an id, both or neither");
        }
        if (unknownName.isBlank()) {
            throw new IllegalArgumentException("the unknown name is said");
        }
        detail = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(detail, "detail")));
    }

    /** The row with none of the stored parts beyond what every event has and its names (a test's shorthand). */
    public LaterReleaseEvent(long sequence, Instant occurredAt, TeamId team, RequestId requestId,
                             Optional<ServerId> server, String operation, String outcome, Optional<String> reason,
                             String unknownName) {
        this(sequence, occurredAt, team, requestId, server, operation, outcome, reason, unknownName, Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalInt.empty(), Map.of());
    }

    /**
     * Whether the only name in it this release does not know is its reason: its operation, its outcome and its resource's
     * type (when it has one) are names this release knows, so what it says of a point is read as any event's; a reason
     * only says why (ADR 0005, amended in session 51).
     */
    public boolean onlyItsReasonUnknown() {
        return known(Operation.class, operation) && known(Outcome.Kind.class, outcome)
                && resourceType.map(type -> known(ResourceRef.Type.class, type)).orElse(true)
                && reason.filter(r -> !known(org.vpsrecovery.domain.common.ReasonCode.class, r)).isPresent();
    }

    private static <E extends Enum<E>> boolean known(Class<E> names, String name) {
        return java.util.Arrays.stream(names.getEnumConstants()).anyMatch(known -> known.name().equals(name));
    }

    private static void requireName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " is not written as a stored name");
        }
    }
}
