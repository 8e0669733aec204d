package org.vpsrecovery.domain.drift;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

    /** What one attempt's events said so far. */
    private static final class Attempt {
        final Operation operation;
        Optional<ResourceRef> point = Optional.empty();
        String name;
        boolean refusedOrFailed;
        boolean settled;

        Attempt(Operation operation) {
            this.operation = operation;
        }

        Attempt copy() {
            Attempt copy = new Attempt(operation);
            copy.point = point;
            copy.name = name;
            copy.refusedOrFailed = refusedOrFailed;
            copy.settled = settled;
            return copy;
        }
    }

    private final Map<String, Attempt> attempts;

    public AuditedPointsTally() {
        this.attempts = new HashMap<>();
    }

    private AuditedPointsTally(Map<String, Attempt> attempts) {
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
        if (attempt.point.isEmpty()) {
            attempt.point = event.resource();
        }
        if (attempt.name == null) {
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
        Map<String, Attempt> copied = new HashMap<>(attempts.size() * 4 / 3 + 1);
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
            if (attempt.operation.isCreate()) {
                attempt.point.ifPresent(made::add);
                if (!attempt.refusedOrFailed) {
                    attempt.point.ifPresent(expected::add);
                }
                if (attempt.point.isEmpty() && !attempt.settled && attempt.name != null) {
                    unsettled.add(attempt.name);
                }
            } else if (!attempt.refusedOrFailed) {
                attempt.point.ifPresent(deleted::add);
            }
        }
        return new AuditedPoints(made, expected, deleted, unsettled);
    }

    private static String attemptKey(AuditEvent event) {
        return event.attemptId().orElse("request:" + event.requestId().value() + ":" + event.operation());
    }
}
