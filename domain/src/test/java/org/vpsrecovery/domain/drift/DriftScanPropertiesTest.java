package org.vpsrecovery.domain.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
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
import org.vpsrecovery.domain.testing.InMemoryDriftRecords;

/**
 * Properties of the drift classification over generated servers: points made or not through the
 * platform, deleted or not through it, listed or gone, in progress for any time, followed or not by an
 * open operation, automatic backups seen before with any expiry.
 */
class DriftScanPropertiesTest {

    static final Instant NOW = DriftScanTest.NOW;

    /** One generated point and its story. */
    record Point(ResourceRef ref, boolean automatic, boolean madeHere, boolean deletedHere, boolean listed,
                 boolean inProgress, long ageMinutes, boolean tracked, long expiresInMinutes) {
    }

    record World(List<Point> points, long seed) {
        List<ListedPoint> listed() {
            return points.stream().filter(Point::listed).map(p -> new ListedPoint(p.ref(), p.automatic(), p.inProgress(),
                    NOW.minus(Duration.ofMinutes(p.ageMinutes())), p.automatic()
                            ? Optional.of(NOW.plus(Duration.ofMinutes(p.expiresInMinutes()))) : Optional.empty(),
                    "point " + p.ref().id())).toList();
        }

        List<AuditEvent> history() {
            List<AuditEvent> events = new ArrayList<>();
            for (Point p : points) {
                if (p.madeHere() && !p.automatic()) {
                    events.addAll(DriftScanTest.madeThroughThePlatform(p.ref()));
                }
                if (p.deletedHere()) {
                    Operation delete = p.ref().type() == ResourceRef.Type.SNAPSHOT ? Operation.DELETE_SNAPSHOT : Operation.DELETE_BACKUP;
                    events.add(DriftScanTest.event("d-" + p.ref().type() + p.ref().id(), delete, new Outcome.Accepted(), Optional.of(p.ref()), Map.of()));
                    events.add(DriftScanTest.event("d-" + p.ref().type() + p.ref().id(), delete, new Outcome.Completed(), Optional.of(p.ref()), Map.of()));
                }
            }
            return events;
        }

        Set<ResourceRef> tracked() {
            Set<ResourceRef> tracked = new HashSet<>();
            points.stream().filter(Point::tracked).forEach(p -> tracked.add(p.ref()));
            return tracked;
        }

        List<ListedPoint.Sighting> sightings() {
            return points.stream().filter(Point::automatic).map(p -> new ListedPoint.Sighting(p.ref(),
                    Optional.of(NOW.plus(Duration.ofMinutes(p.expiresInMinutes()))))).toList();
        }

        DriftScan scan(List<RecordedDrift> recorded, List<ListedPoint.Sighting> sightings, Instant at) {
            return new DriftScan(DriftScanTest.TEAM, DriftScanTest.SERVER, listed(), AuditedPoints.from(history()), tracked(),
                    recorded, sightings, at, DriftScanTest.STUCK_AFTER);
        }
    }

    @Provide
    Arbitrary<World> worlds() {
        Arbitrary<Point> point = Combinators.combine(
                Arbitraries.longs().between(1, 40), Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 600), Arbitraries.integers().between(0, 9)).as((id, type, made, deleted, listed,
                        inProgress, age, flags) -> new Point(type == 0 ? new ResourceRef(ResourceRef.Type.SNAPSHOT, id)
                        : new ResourceRef(ResourceRef.Type.BACKUP, id + (type == 2 ? 1000 : 0)), type == 2, made, deleted,
                        listed, inProgress, age, flags == 0, (flags - 4) * 30L));
        return Combinators.combine(point.list().ofMaxSize(25).uniqueElements(Point::ref), Arbitraries.longs())
                .as(World::new);
    }

    @Property(tries = 500)
    void aSecondScanOfTheSameStateFindsNothingNew(@ForAll("worlds") World world) {
        InMemoryDriftRecords records = new InMemoryDriftRecords();
        DriftScan.Findings first = world.scan(List.of(), world.sightings(), NOW).findings();
        first.detected().forEach(records::record);
        first.resolved().forEach(records::resolve);

        DriftScan.Findings second = world.scan(records.onServer(DriftScanTest.SERVER), first.sightings(), NOW).findings();

        assertThat(second.detected()).isEmpty();
        assertThat(second.resolved()).isEmpty();
        assertThat(second.sightings()).isEqualTo(first.sightings());
    }

    @Property(tries = 500)
    void whatThePlatformFollowsMadeOrDeletedIsNeverReportedAsSuch(@ForAll("worlds") World world) {
        List<Drift> detected = world.scan(List.of(), world.sightings(), NOW).findings().detected();
        for (Point p : world.points()) {
            List<DriftKind> kinds = detected.stream().filter(d -> d.point().equals(p.ref())).map(Drift::kind).toList();
            if (p.tracked()) {
                assertThat(kinds).as("a point an open operation follows").isEmpty();
            }
            if (p.madeHere() || p.automatic()) {
                assertThat(kinds).as("made by the platform or the provider").doesNotContain(DriftKind.CREATED_OUTSIDE);
            }
            if (p.deletedHere() || p.listed()) {
                assertThat(kinds).as("deleted through the platform, or still there")
                        .doesNotContain(DriftKind.DELETED_OUTSIDE, DriftKind.AUTOMATIC_BACKUP_EXPIRED);
            }
            if (!p.listed() || !p.inProgress()) {
                assertThat(kinds).as("not in progress at VPS.org").doesNotContain(DriftKind.STUCK_IN_PROGRESS);
            }
        }
        assertThat(detected).extracting(d -> d.point().type() + ":" + d.point().id() + ":" + d.kind()).doesNotHaveDuplicates();
    }

    @Property(tries = 300)
    void theOrderOfTheInputsDoesNotMatter(@ForAll("worlds") World world) {
        DriftScan.Findings ordered = world.scan(List.of(), world.sightings(), NOW).findings();
        List<ListedPoint> listed = new ArrayList<>(world.listed());
        List<AuditEvent> history = new ArrayList<>(world.history());
        List<ListedPoint.Sighting> sightings = new ArrayList<>(world.sightings());
        Random random = new Random(world.seed());
        Collections.shuffle(listed, random);
        Collections.shuffle(history, random);
        Collections.shuffle(sightings, random);
        DriftScan.Findings shuffled = new DriftScan(DriftScanTest.TEAM, DriftScanTest.SERVER, listed, AuditedPoints.from(history),
                world.tracked(), List.of(), sightings, NOW, DriftScanTest.STUCK_AFTER).findings();

        assertThat(shuffled).isEqualTo(ordered);
    }
}
