package org.vpsrecovery.domain.drift;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;

/**
 * {@link AuditedPoints} counted up event by event, so that a scan can keep what it read of a server's history
 * and read only the events after it the next time (ADR 0114): it holds one small tally per attempt, not the
 * events. Fed the same events, in one call or in any number of calls, it gives the points
 * {@link AuditedPoints#from} gives. Not safe for use by two threads at once; {@link #copy()} for a scan that
 * may fail half way.
 */
public final class AuditedPointsTally {

    /**
     * What one attempt's events said so far. Kept small (ADR 0114: up to {@code vpsr.drift.kept-attempts} of
     * them live between scans): the point as its type and id, and the name only until the point is known,
     * since only a create that never learnt its point is named in the points.
     */
    private static final class Attempt {
        final Operation operation;
        ResourceRef.Type pointType;
        long pointId;
        String name;
        boolean refusedOrFailed;
        boolean settled;

        Attempt(Operation operation) {
            this.operation = operation;
        }

        Optional<ResourceRef> point() {
            return pointType == null ? Optional.empty() : Optional.of(new ResourceRef(pointType, pointId));
        }

        Attempt copy() {
            Attempt copy = new Attempt(operation);
            copy.pointType = pointType;
            copy.pointId = pointId;
            copy.name = name;
            copy.refusedOrFailed = refusedOrFailed;
            copy.settled = settled;
            return copy;
        }
    }

    private final Map<Object, Attempt> attempts;

    public AuditedPointsTally() {
        this.attempts = new HashMap<>();
    }

    private AuditedPointsTally(Map<Object, Attempt> attempts) {
        this.attempts = attempts;
    }

    /** Counts one server's events in; events of other operations, plans and dry runs are passed over. */
    public AuditedPointsTally add(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        if (!AuditedPoints.READ_FROM.contains(event.operation()) || event.outcome().kind() == Outcome.Kind.PLANNED
                || "true".equals(event.detail().get(AuditEvent.DRY_RUN))) {
            return this;
        }
        Attempt attempt = attempts.computeIfAbsent(attemptKey(event), key -> new Attempt(event.operation()));
        if (attempt.pointType == null && event.resource().isPresent()) {
            attempt.pointType = event.resource().get().type();
            attempt.pointId = event.resource().get().id();
            attempt.name = null;
        }
        if (attempt.pointType == null && attempt.name == null) {
            attempt.name = event.detail().getOrDefault(AuditEvent.NAME, event.detail().get(AuditEvent.DESCRIPTION));
        }
        Outcome.Kind kind = event.outcome().kind();
        attempt.refusedOrFailed |= kind == Outcome.Kind.REJECTED || kind == Outcome.Kind.FAILED;
        attempt.settled |= kind.settlesAttempt() || kind == Outcome.Kind.REJECTED;
        return this;
    }

    public AuditedPointsTally addAll(Collection<AuditEvent> events) {
        events.forEach(this::add);
        return this;
    }

    /** How many attempts it holds: what keeping it costs. */
    public int attempts() {
        return attempts.size();
    }

    /** An independent tally with the same counts. */
    public AuditedPointsTally copy() {
        Map<Object, Attempt> copied = new HashMap<>(attempts.size() * 4 / 3 + 1);
        attempts.forEach((key, attempt) -> copied.put(key, attempt.copy()));
        return new AuditedPointsTally(copied);
    }

    /** What the events counted so far say the platform did to the server's points. */
    public AuditedPoints points() {
        Set<ResourceRef> made = new HashSet<>();
        Set<ResourceRef> expected = new HashSet<>();
        Set<ResourceRef> deleted = new HashSet<>();
        Set<String> unsettled = new HashSet<>();
        for (Attempt attempt : attempts.values()) {
            Optional<ResourceRef> point = attempt.point();
            if (attempt.operation.isCreate()) {
                point.ifPresent(made::add);
                if (!attempt.refusedOrFailed) {
                    point.ifPresent(expected::add);
                }
                if (point.isEmpty() && !attempt.settled) {
                    // A manual backup asked without a description is listed with none: matched by the empty label.
                    unsettled.add(attempt.name == null ? "" : attempt.name);
                }
            } else if (!attempt.refusedOrFailed) {
                point.ifPresent(deleted::add);
            }
        }
        return new AuditedPoints(made, expected, deleted, unsettled);
    }

    /**
     * The attempt's id, held as a {@link UUID} when it is one in its canonical form (the platform's own ids:
     * 32 bytes against a string's ~80); any other id, and a legacy event's request and operation, as a string.
     */
    private static Object attemptKey(AuditEvent event) {
        Optional<String> id = event.attemptId();
        if (id.isEmpty()) {
            return "request:" + event.requestId().value() + ":" + event.operation();
        }
        return canonicalUuid(id.get()).<Object>map(uuid -> uuid).orElse(id.get());
    }

    private static Optional<UUID> canonicalUuid(String id) {
        if (id.length() != 36) {
            return Optional.empty();
        }
        try {
            UUID uuid = UUID.fromString(id);
            // UUID.fromString also takes forms it would print otherwise; only one spelling may name an attempt.
            return uuid.toString().equals(id) ? Optional.of(uuid) : Optional.empty();
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }
}
