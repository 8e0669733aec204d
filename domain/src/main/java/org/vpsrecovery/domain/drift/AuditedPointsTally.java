package org.vpsrecovery.domain.drift;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;

/**
 * {@link AuditedPoints} counted up event by event, so that a scan can keep what it read of a server's history
 * and read only the events after it the next time (ADR 0114): it holds one small tally per attempt, not the
 * events. Fed the same events, in one call or in any number of calls, it gives the points
 * {@link AuditedPoints#from} gives. {@link #forgetSettled} then lets go of the attempts no verdict needs any more,
 * so that a server's tally stays the size of what is still live, not of its whole history (ADR 0114, amended in
 * session 46): from then on its points may differ from a whole read's, but no drift judged on them does. Not safe
 * for use by two threads at once; {@link #copy()} for a scan that may fail half way.
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
        /** Saw its {@code COMPLETED} with an attempt id: a delete's point is then gone from VPS.org's list for good. */
        boolean established;
        /** Saw an event of a kind that never comes after the attempt's end ({@link #LATE_KINDS}). */
        boolean opened;
        /** First seen after this tally forgot attempts: it may be what is left of one forgotten. */
        boolean bornAfterForgetting;

        Attempt(Operation operation, boolean bornAfterForgetting) {
            this.operation = operation;
            this.bornAfterForgetting = bornAfterForgetting;
        }

        /**
         * Only late events of an attempt this tally forgot: its intent (the first event of every attempt with an id,
         * written before VPS.org is called) was counted before, so the attempt had ended when it was forgotten.
         */
        boolean remnant() {
            return bornAfterForgetting && !opened;
        }

        /** A remnant counts as what it was when forgotten: ended, and, for what it could still add, not done. */
        boolean refusedOrFailed() {
            return refusedOrFailed || remnant();
        }

        boolean settled() {
            return settled || remnant();
        }

        Optional<ResourceRef> point() {
            return pointType == null ? Optional.empty() : Optional.of(new ResourceRef(pointType, pointId));
        }

        Attempt copy() {
            Attempt copy = new Attempt(operation, bornAfterForgetting);
            copy.pointType = pointType;
            copy.pointId = pointId;
            copy.name = name;
            copy.refusedOrFailed = refusedOrFailed;
            copy.settled = settled;
            copy.established = established;
            copy.opened = opened;
            return copy;
        }
    }

    /**
     * The kinds an attempt's event may have after its end: the request's own answer ({@code SUBMITTED}, or
     * {@code UNRESOLVED} when it was lost) kept while the history could not take it and written by the flush after the
     * tracker's or the reconciler's end (ADR 0141). An end never comes second (ADR 0142), and the intent never late.
     */
    static final Set<Outcome.Kind> LATE_KINDS = Set.of(Outcome.Kind.SUBMITTED, Outcome.Kind.UNRESOLVED);

    private final Map<Object, Attempt> attempts;
    /** Whether {@link #forgetSettled} let any attempt go. */
    private boolean forgot;

    public AuditedPointsTally() {
        this(new HashMap<>(), false);
    }

    private AuditedPointsTally(Map<Object, Attempt> attempts, boolean forgot) {
        this.attempts = attempts;
        this.forgot = forgot;
    }

    /** Counts one server's events in; events of other operations, plans and dry runs are passed over. */
    public AuditedPointsTally add(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        count(event.operation(), event.outcome().kind(), event.resource(), event.detail(), attemptKey(event));
        return this;
    }

    /**
     * Counts in a row a later release wrote whose only name this release does not know is its reason
     * ({@link LaterReleaseEvent#onlyItsReasonUnknown}), as {@link #add} counts an event of its operation, outcome, point
     * and detail: the reason does not change which points exist. Any other such row (an operation, outcome or resource
     * type this release does not know) is not counted: what it says of a point is unknown, and false is returned (ADR
     * 0005, amended in session 51).
     */
    public boolean addIfOnlyItsReasonUnknown(LaterReleaseEvent row) {
        Objects.requireNonNull(row, "row");
        if (!row.onlyItsReasonUnknown()) {
            return false;
        }
        Operation operation = Operation.valueOf(row.operation());
        Optional<ResourceRef> resource = row.resourceType()
                .map(type -> new ResourceRef(ResourceRef.Type.valueOf(type), row.resourceId().orElseThrow()));
        Optional<String> attemptId = Optional.ofNullable(row.detail().get(AuditEvent.ATTEMPT_ID));
        count(operation, Outcome.Kind.valueOf(row.outcome()), resource, row.detail(),
                attemptKey(attemptId, row.requestId().value(), operation));
        return true;
    }

    private void count(Operation operation, Outcome.Kind kind, Optional<ResourceRef> resource, Map<String, String> detail,
                       Object attemptKey) {
        if (!AuditedPoints.READ_FROM.contains(operation) || kind == Outcome.Kind.PLANNED
                || "true".equals(detail.get(AuditEvent.DRY_RUN))) {
            return;
        }
        Attempt attempt = attempts.computeIfAbsent(attemptKey, key -> new Attempt(operation, forgot));
        if (attempt.pointType == null && resource.isPresent()) {
            attempt.pointType = resource.get().type();
            attempt.pointId = resource.get().id();
            attempt.name = null;
        }
        if (attempt.pointType == null && attempt.name == null) {
            attempt.name = detail.getOrDefault(AuditEvent.NAME, detail.get(AuditEvent.DESCRIPTION));
        }
        attempt.refusedOrFailed |= kind == Outcome.Kind.REJECTED || kind == Outcome.Kind.FAILED;
        attempt.settled |= kind.settlesAttempt() || kind == Outcome.Kind.REJECTED;
        attempt.established |= kind == Outcome.Kind.COMPLETED && detail.containsKey(AuditEvent.ATTEMPT_ID);
        attempt.opened |= !LATE_KINDS.contains(kind);
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
        return new AuditedPointsTally(copied, forgot);
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
                if (!attempt.refusedOrFailed()) {
                    point.ifPresent(expected::add);
                }
                if (point.isEmpty() && !attempt.settled()) {
                    // A manual backup asked without a description is listed with none: matched by the empty label.
                    unsettled.add(attempt.name == null ? "" : attempt.name);
                }
            } else if (!attempt.refusedOrFailed()) {
                point.ifPresent(deleted::add);
            }
        }
        return new AuditedPoints(made, expected, deleted, unsettled);
    }

    /**
     * Lets go of the attempts whose part in the points can no longer change a drift verdict (ADR 0114, amended in
     * session 46), given {@code stillSeen}: the points VPS.org lists now and those open operations follow. To be
     * called once every event up to a sequence is counted (a scan's end), never between two events of one read.
     * <ul>
     *   <li>a refused or failed create that never learnt its point, and a refused or failed delete: they add
     *       nothing to the points;</li>
     *   <li>every attempt naming a point that a delete ended {@code COMPLETED} (VPS.org's list has it no more, and
     *       VPS.org never reuses an id, ADR 0035), when all of them ended and the point is not in {@code stillSeen}:
     *       a point never listed again is never created outside, a point no create names is never deleted outside,
     *       and a backup not seen now is remembered by no sighting.</li>
     * </ul>
     * Kept: whatever is not ended, a create whose point is known and not deleted for good (a create that failed at
     * VPS.org may still have left its point there, which the points keep from being created outside), and an ended
     * create or delete that never named a point yet did not fail (a legacy shape; an event naming it could still come).
     * What comes later of an attempt let go is only a late answer ({@link #LATE_KINDS}); counted as a remnant, it adds
     * what it would have added to the attempt it belonged to: a point as made, not expected, never deleted.
     */
    public AuditedPointsTally forgetSettled(Set<ResourceRef> stillSeen) {
        Objects.requireNonNull(stillSeen, "still seen");
        Map<ResourceRef, List<Object>> naming = new HashMap<>();
        Set<ResourceRef> open = new HashSet<>();
        Set<ResourceRef> goneForGood = new HashSet<>();
        List<Object> forget = new ArrayList<>();
        attempts.forEach((key, attempt) -> {
            Optional<ResourceRef> point = attempt.point();
            if (attempt.refusedOrFailed() && (point.isEmpty() || !attempt.operation.isCreate())) {
                forget.add(key);
            } else if (point.isPresent()) {
                naming.computeIfAbsent(point.get(), p -> new ArrayList<>()).add(key);
                if (!attempt.settled()) {
                    open.add(point.get());
                }
                if (!attempt.operation.isCreate() && attempt.established) {
                    goneForGood.add(point.get());
                }
            }
        });
        goneForGood.removeAll(open);
        goneForGood.removeAll(stillSeen);
        goneForGood.forEach(point -> forget.addAll(naming.get(point)));
        forget.forEach(attempts::remove);
        forgot |= !forget.isEmpty();
        return this;
    }

    /**
     * The attempt's id, held as a {@link UUID} when it is one in its canonical form (the platform's own ids:
     * 32 bytes against a string's ~80); any other id, and a legacy event's request and operation, as a string.
     */
    private static Object attemptKey(AuditEvent event) {
        return attemptKey(event.attemptId(), event.requestId().value(), event.operation());
    }

    private static Object attemptKey(Optional<String> id, String requestId, Operation operation) {
        if (id.isEmpty()) {
            return "request:" + requestId + ":" + operation;
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
