package org.vpsrecovery.domain.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;

/**
 * A tally kept between scans that forgets what no verdict needs ({@link AuditedPointsTally#forgetSettled}, ADR 0114,
 * amended in session 46) judges every scan as a read of the whole history does: over generated points made through
 * the platform (every way a create ends, answers written late after the end), outside, or by VPS.org's retention,
 * deleted through the platform every way a delete ends, and VPS.org's lists drawn at random at each scan, bound only by
 * what VPS.org guarantees: a point a delete ended {@code COMPLETED} is listed no more, and no id is used twice.
 */
class AuditedPointsTallyForgettingPropertiesTest {

    enum Origin { PLATFORM, OUTSIDE, AUTOMATIC }

    enum CreateStory {
        COMPLETED, COMPLETED_THEN_LATE_SUBMITTED, COMPLETED_THEN_LATE_UNRESOLVED, FAILED_AT_VPSORG, FAILED_NOT_CALLED,
        FAILED_THEN_LATE_SUBMITTED, REFUSED, ANSWER_LOST, ANSWER_LOST_THEN_RECONCILED, LEGACY_COMPLETED
    }

    enum DeleteStory { COMPLETED, COMPLETED_THEN_LATE_SUBMITTED, FAILED, REFUSED, ANSWER_LOST, LEGACY_COMPLETED }

    record Point(Origin origin, ResourceRef.Type type, CreateStory create, List<DeleteStory> deletes) {
    }

    /** A server's history in the order appended, the points it is about, and where the scans' reads cut it. */
    record World(List<Point> points, List<AuditEvent> events, List<Integer> cuts, long seed) {
    }

    static ResourceRef ref(int index, Point point) {
        return new ResourceRef(point.type(), 500 + index);
    }

    static String label(int index) {
        return "nightly-" + index % 3; // names repeat, as a policy's do: a lost create's name may match another point
    }

    /**
     * Builds one attempt's events; {@code late} takes those that may come after the point's later attempts: an answer the
     * flush wrote after the attempt's end, or a create's end written after its point's deletes.
     */
    static final class Attempts {
        int next;

        AuditEvent event(int attempt, boolean legacy, Operation operation, Outcome outcome, Optional<ResourceRef> point,
                         Map<String, String> detail) {
            Map<String, String> full = new HashMap<>(detail);
            if (!legacy) {
                full.put(AuditEvent.ATTEMPT_ID, new UUID(0x7a11L, attempt).toString());
            }
            return new AuditEvent(DriftScanTest.NOW.minus(Duration.ofMinutes(attempt)), DriftScanTest.TEAM,
                    new RequestId("req-" + attempt), operation, Optional.of(DriftScanTest.SERVER), point, outcome,
                    OptionalInt.empty(), full);
        }

        void create(int index, Point point, List<AuditEvent> events, List<AuditEvent> late) {
            int n = next++;
            boolean snapshot = point.type() == ResourceRef.Type.SNAPSHOT;
            Operation op = snapshot ? Operation.CREATE_SNAPSHOT : Operation.CREATE_MANUAL_BACKUP;
            Map<String, String> named = Map.of(snapshot ? AuditEvent.NAME : AuditEvent.DESCRIPTION, label(index));
            Optional<ResourceRef> it = Optional.of(ref(index, point));
            Optional<ResourceRef> none = Optional.empty();
            Outcome failed = new Outcome.Failed(ReasonCode.RECOVERY_POINT_FAILED, "failed");
            Outcome lost = new Outcome.Unresolved(ReasonCode.PROVIDER_TIMEOUT, "answer lost");
            boolean legacy = point.create() == CreateStory.REFUSED || point.create() == CreateStory.LEGACY_COMPLETED;
            List<AuditEvent> own = new ArrayList<>(List.of(event(n, legacy, op, point.create() == CreateStory.REFUSED
                    ? new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED) : new Outcome.Accepted(), none, named)));
            switch (point.create()) {
                case COMPLETED -> {
                    // The tracker's end may come after the point's deletes are on record.
                    own.add(event(n, false, op, new Outcome.Submitted(), it, named));
                    late.add(event(n, false, op, new Outcome.Completed(), it, named));
                }
                case COMPLETED_THEN_LATE_SUBMITTED -> {
                    own.add(event(n, false, op, new Outcome.Completed(), it, named));
                    late.add(event(n, false, op, new Outcome.Submitted(), it, named));
                }
                case COMPLETED_THEN_LATE_UNRESOLVED -> {
                    own.add(event(n, false, op, new Outcome.Completed(), it, named));
                    late.add(event(n, false, op, lost, none, named));
                }
                case FAILED_AT_VPSORG -> own.addAll(List.of(event(n, false, op, new Outcome.Submitted(), it, named),
                        event(n, false, op, failed, it, named)));
                case FAILED_NOT_CALLED -> own.add(event(n, false, op, failed, none, named));
                case FAILED_THEN_LATE_SUBMITTED -> {
                    own.add(event(n, false, op, new Outcome.Failed(ReasonCode.NOT_DONE_AT_PROVIDER, "not found"), none, named));
                    late.add(event(n, false, op, new Outcome.Submitted(), it, named));
                }
                case REFUSED, ANSWER_LOST -> { }
                case ANSWER_LOST_THEN_RECONCILED -> own.addAll(List.of(event(n, false, op, lost, none, named),
                        event(n, false, op, new Outcome.Completed(), it, named)));
                case LEGACY_COMPLETED -> own.add(event(n, true, op, new Outcome.Completed(), it, named));
            }
            if (point.create() == CreateStory.ANSWER_LOST) {
                own.add(event(n, false, op, lost, none, named));
            }
            events.addAll(own);
        }

        void delete(int index, Point point, DeleteStory story, List<AuditEvent> events, List<AuditEvent> late) {
            int n = next++;
            Operation op = point.type() == ResourceRef.Type.SNAPSHOT ? Operation.DELETE_SNAPSHOT : Operation.DELETE_BACKUP;
            Optional<ResourceRef> it = Optional.of(ref(index, point));
            boolean legacy = story == DeleteStory.REFUSED || story == DeleteStory.LEGACY_COMPLETED;
            switch (story) {
                case COMPLETED -> events.addAll(List.of(event(n, false, op, new Outcome.Accepted(), it, Map.of()),
                        event(n, false, op, new Outcome.Submitted(), it, Map.of()),
                        event(n, false, op, new Outcome.Completed(), it, Map.of())));
                case COMPLETED_THEN_LATE_SUBMITTED -> {
                    events.addAll(List.of(event(n, false, op, new Outcome.Accepted(), it, Map.of()),
                            event(n, false, op, new Outcome.Completed(), it, Map.of())));
                    late.add(event(n, false, op, new Outcome.Submitted(), it, Map.of()));
                }
                case FAILED -> events.addAll(List.of(event(n, false, op, new Outcome.Accepted(), it, Map.of()),
                        event(n, false, op, new Outcome.Failed(ReasonCode.RECOVERY_POINT_FAILED, "refused by VPS.org"), it,
                                Map.of())));
                case REFUSED -> events.add(event(n, legacy, op, new Outcome.Rejected(ReasonCode.SNAPSHOT_NOT_FOUND), it, Map.of()));
                case ANSWER_LOST -> events.addAll(List.of(event(n, false, op, new Outcome.Accepted(), it, Map.of()),
                        event(n, false, op, new Outcome.Unresolved(ReasonCode.PROVIDER_TIMEOUT, "answer lost"), it, Map.of())));
                case LEGACY_COMPLETED -> events.addAll(List.of(event(n, true, op, new Outcome.Accepted(), it, Map.of()),
                        event(n, true, op, new Outcome.Completed(), it, Map.of())));
            }
        }
    }

    @Provide
    Arbitrary<World> worlds() {
        Arbitrary<Point> point = Combinators.combine(Arbitraries.of(Origin.values()),
                        Arbitraries.of(ResourceRef.Type.SNAPSHOT, ResourceRef.Type.BACKUP), Arbitraries.of(CreateStory.values()),
                        Arbitraries.of(DeleteStory.values()).list().ofMaxSize(2))
                .as((origin, type, create, deletes) -> new Point(origin == Origin.AUTOMATIC && type == ResourceRef.Type.SNAPSHOT
                        ? Origin.OUTSIDE : origin, type, create, deletes));
        return Combinators.combine(point.list().ofMinSize(1).ofMaxSize(12), Arbitraries.longs(),
                Arbitraries.integers().between(1, 8)).as((points, seed, scans) -> {
                    Random random = new Random(seed);
                    Attempts attempts = new Attempts();
                    // Each point's events in their order, a late event anywhere after its attempt's others.
                    List<List<AuditEvent>> pending = new ArrayList<>();
                    for (int i = 0; i < points.size(); i++) {
                        Point p = points.get(i);
                        List<AuditEvent> own = new ArrayList<>();
                        List<AuditEvent> late = new ArrayList<>();
                        if (p.origin() == Origin.PLATFORM) {
                            attempts.create(i, p, own, late);
                        }
                        for (DeleteStory delete : p.deletes()) {
                            attempts.delete(i, p, delete, own, late);
                        }
                        for (AuditEvent answer : late) {
                            int after = 0;
                            for (int k = 0; k < own.size(); k++) {
                                after = own.get(k).attemptId().equals(answer.attemptId()) ? k + 1 : after;
                            }
                            own.add(after + random.nextInt(own.size() - after + 1), answer);
                        }
                        pending.add(own);
                    }
                    List<AuditEvent> appended = new ArrayList<>();
                    pending.removeIf(List::isEmpty);
                    while (!pending.isEmpty()) {
                        List<AuditEvent> next = pending.get(random.nextInt(pending.size()));
                        appended.add(next.removeFirst());
                        pending.removeIf(List::isEmpty);
                    }
                    List<Integer> cuts = new ArrayList<>();
                    for (int s = 1; s < scans; s++) {
                        cuts.add(random.nextInt(appended.size() + 1));
                    }
                    Collections.sort(cuts);
                    cuts.add(appended.size());
                    return new World(points, appended, cuts, seed);
                });
    }

    @Property(tries = 2000)
    void aTallyThatForgetsAtEachScanFindsWhatAWholeReadFindsAtEveryScan(@ForAll("worlds") World world) {
        Random random = new Random(world.seed() ^ 0x5ca1L);
        AuditedPointsTally kept = new AuditedPointsTally();
        List<ListedPoint.Sighting> sightings = List.of();
        int from = 0;
        int forgotten = 0;
        for (int scan = 0; scan < world.cuts().size(); scan++) {
            int end = world.cuts().get(scan);
            List<AuditEvent> counted = world.events().subList(0, end);
            Instant now = DriftScanTest.NOW.plus(Duration.ofMinutes(scan));
            List<ListedPoint> listed = new ArrayList<>();
            Set<ResourceRef> tracked = new HashSet<>();
            for (int i = 0; i < world.points().size(); i++) {
                Point point = world.points().get(i);
                ResourceRef ref = ref(i, point);
                boolean goneForGood = counted.stream().anyMatch(e -> e.attemptId().isPresent()
                        && !e.operation().isCreate() && e.resource().equals(Optional.of(ref))
                        && e.outcome().kind() == Outcome.Kind.COMPLETED);
                if (!goneForGood && random.nextBoolean()) {
                    boolean automatic = point.origin() == Origin.AUTOMATIC;
                    listed.add(new ListedPoint(ref, automatic, false, DriftScanTest.NOW.minus(Duration.ofDays(1)),
                            automatic ? Optional.of(now.plus(Duration.ofMinutes(random.nextInt(5) - 2))) : Optional.empty(),
                            label(i)));
                }
                if (random.nextInt(8) == 0) {
                    tracked.add(ref);
                }
            }
            // As a scan: a copy of what was kept is fed the events after the mark, newest first.
            List<AuditEvent> newestFirst = new ArrayList<>(world.events().subList(from, end));
            Collections.reverse(newestFirst);
            AuditedPointsTally scanning = kept.copy().addAll(newestFirst);
            from = end;

            DriftScan.Findings whole = new DriftScan(DriftScanTest.TEAM, DriftScanTest.SERVER, listed,
                    AuditedPoints.from(counted), tracked, List.of(), sightings, now, DriftScanTest.STUCK_AFTER).findings();
            DriftScan.Findings forgetting = new DriftScan(DriftScanTest.TEAM, DriftScanTest.SERVER, listed,
                    scanning.points(), tracked, List.of(), sightings, now, DriftScanTest.STUCK_AFTER).findings();
            assertThat(forgetting).as("scan %d", scan).isEqualTo(whole);

            Set<ResourceRef> stillSeen = new HashSet<>(tracked);
            listed.forEach(p -> stillSeen.add(p.ref()));
            int before = scanning.attempts();
            kept = scanning.forgetSettled(stillSeen);
            forgotten += before - kept.attempts();
            sightings = whole.sightings();
        }
        // Not vacuous: most generated worlds had attempts let go (a share far below it means the rules forget nothing).
        Statistics.label("forgot attempts").collect(forgotten > 0);
        Statistics.label("forgot attempts").coverage(checker -> checker.check(true).percentage(share -> share > 30));
    }
}
