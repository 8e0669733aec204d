package org.vpsrecovery.domain.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;

/**
 * A tally kept between scans and fed only the events after it (ADR 0114) says what one read of the whole
 * history says: over generated creates and deletes that end in every way, legacy events without an attempt
 * id, plans, dry runs and other operations, cut into any number of reads.
 */
class AuditedPointsTallyPropertiesTest {

    enum Story {
        CREATED, CREATE_FAILED_AT_VPSORG, CREATE_REFUSED, CREATE_ANSWER_LOST, CREATE_PLANNED, CREATE_DRY_RUN,
        DELETED, DELETE_REFUSED, DELETE_FAILED, DELETE_ANSWER_LOST, RESTORED
    }

    /** One attempt on the server; {@code legacy}: its events carry no attempt id (written before they had one). */
    record Attempt(int number, Story story, ResourceRef point, boolean legacy) {

        List<AuditEvent> events() {
            boolean snapshot = point.type() == ResourceRef.Type.SNAPSHOT;
            Operation create = snapshot ? Operation.CREATE_SNAPSHOT : Operation.CREATE_MANUAL_BACKUP;
            Operation delete = snapshot ? Operation.DELETE_SNAPSHOT : Operation.DELETE_BACKUP;
            Map<String, String> named = Map.of(snapshot ? AuditEvent.NAME : AuditEvent.DESCRIPTION, "point-" + number);
            Optional<ResourceRef> none = Optional.empty();
            Optional<ResourceRef> it = Optional.of(point);
            return switch (story) {
                case CREATED -> List.of(event(create, new Outcome.Accepted(), none, named),
                        event(create, new Outcome.Submitted(), it, Map.of()), event(create, new Outcome.Completed(), it, Map.of()));
                case CREATE_FAILED_AT_VPSORG -> List.of(event(create, new Outcome.Accepted(), none, named),
                        event(create, new Outcome.Submitted(), it, Map.of()),
                        event(create, new Outcome.Failed(ReasonCode.RECOVERY_POINT_FAILED, "failed at VPS.org"), it, Map.of()));
                case CREATE_REFUSED -> List.of(event(create, new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), none, named));
                case CREATE_ANSWER_LOST -> List.of(event(create, new Outcome.Accepted(), none, named));
                case CREATE_PLANNED -> List.of(event(create, new Outcome.Planned(), none, named));
                case CREATE_DRY_RUN -> List.of(event(create, new Outcome.Accepted(), none, with(named, AuditEvent.DRY_RUN, "true")));
                case DELETED -> List.of(event(delete, new Outcome.Accepted(), it, Map.of()),
                        event(delete, new Outcome.Completed(), it, Map.of()));
                case DELETE_REFUSED -> List.of(event(delete, new Outcome.Rejected(ReasonCode.SNAPSHOT_NOT_FOUND), it, Map.of()));
                case DELETE_FAILED -> List.of(event(delete, new Outcome.Accepted(), it, Map.of()),
                        event(delete, new Outcome.Failed(ReasonCode.RECOVERY_POINT_FAILED, "refused by VPS.org"), it, Map.of()));
                case DELETE_ANSWER_LOST -> List.of(event(delete, new Outcome.Accepted(), it, Map.of()));
                case RESTORED -> List.of(event(Operation.RESTORE_SNAPSHOT, new Outcome.Accepted(), it, Map.of()),
                        event(Operation.RESTORE_SNAPSHOT, new Outcome.Completed(), it, Map.of()));
            };
        }

        private AuditEvent event(Operation operation, Outcome outcome, Optional<ResourceRef> resource, Map<String, String> detail) {
            Map<String, String> full = legacy ? detail : with(detail, AuditEvent.ATTEMPT_ID, attemptId(number));
            return new AuditEvent(DriftScanTest.NOW.minus(Duration.ofMinutes(number)), DriftScanTest.TEAM,
                    new RequestId("req-" + number), operation, Optional.of(DriftScanTest.SERVER), resource, outcome,
                    OptionalInt.empty(), full);
        }

        /** The platform's ids are UUIDs, which the tally holds as such; others are held as strings. */
        private static String attemptId(int number) {
            return number % 2 == 0 ? new UUID(0x5eedL, number).toString() : "attempt-" + number;
        }

        private static Map<String, String> with(Map<String, String> detail, String key, String value) {
            Map<String, String> more = new HashMap<>(detail);
            more.put(key, value);
            return more;
        }
    }

    /** A server's history in the order the events were appended, and where the scans' reads cut it. */
    record History(List<AuditEvent> events, List<Integer> cuts) {
    }

    @Provide
    Arbitrary<History> histories() {
        Arbitrary<Attempt> attempt = Combinators.combine(Arbitraries.of(Story.values()), Arbitraries.longs().between(1, 12),
                Arbitraries.of(ResourceRef.Type.SNAPSHOT, ResourceRef.Type.BACKUP), Arbitraries.of(false, false, false, true))
                .as((story, id, type, legacy) -> new Attempt(0, story, new ResourceRef(type, id), legacy));
        return Combinators.combine(attempt.list().ofMaxSize(30), Arbitraries.longs(), Arbitraries.integers().between(0, 6))
                .as((attempts, seed, reads) -> {
                    Random random = new Random(seed);
                    List<List<AuditEvent>> pending = new ArrayList<>();
                    for (int i = 0; i < attempts.size(); i++) {
                        Attempt a = attempts.get(i);
                        pending.add(new ArrayList<>(new Attempt(i, a.story(), a.point(), a.legacy()).events()));
                    }
                    // Attempts interleave: each step appends the next event of a random attempt still open.
                    List<AuditEvent> appended = new ArrayList<>();
                    pending.removeIf(List::isEmpty);
                    while (!pending.isEmpty()) {
                        List<AuditEvent> next = pending.get(random.nextInt(pending.size()));
                        appended.add(next.removeFirst());
                        pending.removeIf(List::isEmpty);
                    }
                    List<Integer> cuts = new ArrayList<>();
                    for (int r = 0; r < reads; r++) {
                        cuts.add(random.nextInt(appended.size() + 1));
                    }
                    Collections.sort(cuts);
                    return new History(appended, cuts);
                });
    }

    @Property(tries = 1000)
    void aTallyFedEachReadsNewEventsSaysWhatOneReadOfTheWholeHistorySays(@ForAll("histories") History history) {
        AuditedPointsTally kept = new AuditedPointsTally();
        int from = 0;
        List<Integer> ends = new ArrayList<>(history.cuts());
        ends.add(history.events().size());
        for (int end : ends) {
            // As a scan: a copy is fed the events after the mark, newest first, and kept only once the scan is done.
            List<AuditEvent> newestFirst = new ArrayList<>(history.events().subList(from, end));
            Collections.reverse(newestFirst);
            AuditedPointsTally scanning = kept.copy().addAll(newestFirst);
            kept = scanning;
            from = end;
        }
        List<AuditEvent> wholeNewestFirst = new ArrayList<>(history.events());
        Collections.reverse(wholeNewestFirst);

        assertThat(kept.points()).isEqualTo(AuditedPoints.from(wholeNewestFirst));
        assertThat(kept.points()).isEqualTo(AuditedPoints.from(history.events()));
    }

    @Property(tries = 300)
    void aCopyFedMoreLeavesTheTallyItCameFromAsItWas(@ForAll("histories") History history) {
        int half = history.events().size() / 2;
        AuditedPointsTally kept = new AuditedPointsTally().addAll(history.events().subList(0, half));
        AuditedPoints before = kept.points();
        int attemptsBefore = kept.attempts();

        kept.copy().addAll(history.events().subList(half, history.events().size()));

        assertThat(kept.points()).isEqualTo(before);
        assertThat(kept.attempts()).isEqualTo(attemptsBefore);
    }
}
