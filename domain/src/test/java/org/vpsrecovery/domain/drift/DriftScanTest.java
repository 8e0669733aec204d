package org.vpsrecovery.domain.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ProviderClock;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;

/** The drift classification, one case per row of ADR 0035's table. */
class DriftScanTest {

    static final TeamId TEAM = new TeamId("blue");
    static final ServerId SERVER = new ServerId(12345);
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final Duration STUCK_AFTER = Duration.ofHours(1);

    static ResourceRef snapshot(long id) {
        return new ResourceRef(ResourceRef.Type.SNAPSHOT, id);
    }

    static ResourceRef backup(long id) {
        return new ResourceRef(ResourceRef.Type.BACKUP, id);
    }

    static ListedPoint completed(ResourceRef ref, String label) {
        return new ListedPoint(ref, false, false, NOW.minus(Duration.ofDays(1)), Optional.empty(), label);
    }

    static ListedPoint automatic(long id, Instant expiresAt) {
        return new ListedPoint(backup(id), true, false, expiresAt.minus(Duration.ofDays(7)), Optional.of(expiresAt), "Automatic daily backup");
    }

    static AuditEvent event(String attempt, Operation operation, Outcome outcome, Optional<ResourceRef> point, Map<String, String> detail) {
        Map<String, String> withAttempt = new java.util.HashMap<>(detail);
        withAttempt.put(AuditEvent.ATTEMPT_ID, attempt);
        return new AuditEvent(NOW.minus(Duration.ofDays(2)), TEAM, new RequestId("req-" + attempt), operation, Optional.of(SERVER),
                point, outcome, OptionalInt.empty(), withAttempt);
    }

    static DriftScan scan(List<ListedPoint> listed, List<AuditEvent> history) {
        return new DriftScan(TEAM, SERVER, listed, AuditedPoints.from(history), Set.of(), List.of(), List.of(), NOW, STUCK_AFTER);
    }

    static List<AuditEvent> madeThroughThePlatform(ResourceRef point) {
        Operation create = point.type() == ResourceRef.Type.SNAPSHOT ? Operation.CREATE_SNAPSHOT : Operation.CREATE_MANUAL_BACKUP;
        String attempt = "c-" + point.type() + "-" + point.id();
        return List.of(event(attempt, create, new Outcome.Accepted(), Optional.empty(), Map.of(AuditEvent.NAME, "ours")),
                event(attempt, create, new Outcome.Submitted(), Optional.of(point), Map.of()),
                event(attempt, create, new Outcome.Completed(), Optional.of(point), Map.of()));
    }

    @Test
    void aPointMadeThroughThePlatformAndStillListedIsNoDrift() {
        DriftScan.Findings findings = scan(List.of(completed(snapshot(801), "ours")), madeThroughThePlatform(snapshot(801))).findings();

        assertThat(findings.detected()).isEmpty();
        assertThat(findings.resolved()).isEmpty();
    }

    @Test
    void aListedPointNoCreateMadeIsCreatedOutside() {
        DriftScan.Findings findings = scan(List.of(completed(snapshot(802), "by hand"), completed(backup(499), "manual by hand")),
                List.of()).findings();

        assertThat(findings.detected()).extracting(Drift::point, Drift::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple(snapshot(802), DriftKind.CREATED_OUTSIDE),
                org.assertj.core.groups.Tuple.tuple(backup(499), DriftKind.CREATED_OUTSIDE));
        assertThat(findings.detected().getFirst().seen()).contains("by hand").contains("made by no create through the platform");
        assertThat(findings.detected()).allSatisfy(d -> assertThat(d.detectedAt()).isEqualTo(NOW));
    }

    @Test
    void aPointMadeThroughThePlatformGoneWithoutADeleteIsDeletedOutside() {
        List<AuditEvent> history = new ArrayList<>(madeThroughThePlatform(snapshot(801)));
        history.addAll(madeThroughThePlatform(snapshot(802)));
        history.add(event("d802", Operation.DELETE_SNAPSHOT, new Outcome.Accepted(), Optional.of(snapshot(802)), Map.of()));

        DriftScan.Findings findings = scan(List.of(), history).findings();

        assertThat(findings.detected()).singleElement().satisfies(d -> {
            assertThat(d.point()).isEqualTo(snapshot(801));
            assertThat(d.kind()).isEqualTo(DriftKind.DELETED_OUTSIDE);
        });
    }

    @Test
    void aFailedDeleteDoesNotExplainAPointThatIsGone() {
        List<AuditEvent> history = new ArrayList<>(madeThroughThePlatform(snapshot(801)));
        history.add(event("d801", Operation.DELETE_SNAPSHOT, new Outcome.Accepted(), Optional.of(snapshot(801)), Map.of()));
        history.add(event("d801", Operation.DELETE_SNAPSHOT, new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "VPS.org answered 503"),
                Optional.of(snapshot(801)), Map.of()));

        assertThat(scan(List.of(), history).findings().detected()).extracting(Drift::kind).containsExactly(DriftKind.DELETED_OUTSIDE);
    }

    @Test
    void aCreationThatFailedOrVanishedIsNotExpectedToBeListed() {
        List<AuditEvent> history = List.of(
                event("c801", Operation.CREATE_SNAPSHOT, new Outcome.Submitted(), Optional.of(snapshot(801)), Map.of()),
                event("c801", Operation.CREATE_SNAPSHOT, new Outcome.Failed(ReasonCode.NOT_DONE_AT_PROVIDER, "vanished"),
                        Optional.of(snapshot(801)), Map.of()));

        assertThat(scan(List.of(), history).findings().detected()).isEmpty();
        // Still listed as failed: made by the platform, so not "created outside" either.
        assertThat(scan(List.of(completed(snapshot(801), "ours")), history).findings().detected()).isEmpty();
    }

    /**
     * After the platform's database went back, a point created outside while the platform's work was lost may be the
     * platform's own: its finding says so; one made outside that window is someone else's as before (ADR 0035,
     * amended in session 52). Before, every such finding said only "made by no create through the platform".
     */
    @Test
    void aPointCreatedOutsideWhileThePlatformsWorkWasLostMayBeItsOwn() {
        Instant madeThen = NOW.minus(Duration.ofDays(1));
        LostWork lost = new LostWork(madeThen.minus(Duration.ofHours(1)), madeThen.plus(Duration.ofHours(1)));
        ListedPoint inTheWindow = completed(snapshot(802), "nightly-lost");
        ListedPoint before = new ListedPoint(snapshot(803), false, false, madeThen.minus(Duration.ofDays(2)),
                Optional.empty(), "by hand");

        List<Drift> found = new DriftScan(TEAM, SERVER, List.of(inTheWindow, before), AuditedPoints.from(List.of()),
                Set.of(), List.of(), List.of(), NOW, STUCK_AFTER, Optional.of(lost)).findings().detected();

        assertThat(found).filteredOn(d -> d.point().equals(snapshot(802))).singleElement()
                .satisfies(d -> assertThat(d.seen()).contains("made by no create through the platform",
                        "it may be the platform's own lost work", lost.from().toString()));
        assertThat(found).filteredOn(d -> d.point().equals(snapshot(803))).singleElement()
                .satisfies(d -> assertThat(d.seen()).doesNotContain("lost work"));
    }

    @Test
    void aPointWhoseCreateAnswerWasLostIsLeftToReconciliation() {
        List<AuditEvent> history = List.of(
                event("c1", Operation.CREATE_SNAPSHOT, new Outcome.Accepted(), Optional.empty(), Map.of(AuditEvent.NAME, "nightly")),
                event("c1", Operation.CREATE_SNAPSHOT, new Outcome.Unresolved(ReasonCode.PROVIDER_TIMEOUT, "answer lost"),
                        Optional.empty(), Map.of()));

        assertThat(scan(List.of(completed(snapshot(900), "nightly")), history).findings().detected()).isEmpty();
        assertThat(scan(List.of(completed(snapshot(900), "someone else's")), history).findings().detected())
                .extracting(Drift::kind).containsExactly(DriftKind.CREATED_OUTSIDE);
    }

    /** A manual backup asked without a description, its answer lost: the backup VPS.org lists with none is not drift. */
    @Test
    void aBackupWithoutDescriptionWhoseCreateAnswerWasLostIsLeftToReconciliation() {
        List<AuditEvent> history = List.of(
                event("c2", Operation.CREATE_MANUAL_BACKUP, new Outcome.Accepted(), Optional.empty(), Map.of()),
                event("c2", Operation.CREATE_MANUAL_BACKUP, new Outcome.Unresolved(ReasonCode.PROVIDER_TIMEOUT, "answer lost"),
                        Optional.empty(), Map.of()));

        assertThat(scan(List.of(completed(backup(700), "")), history).findings().detected()).isEmpty();
        assertThat(scan(List.of(completed(backup(700), "someone else's")), history).findings().detected())
                .extracting(Drift::kind).containsExactly(DriftKind.CREATED_OUTSIDE);
    }

    @Test
    void aPointAnOpenOperationFollowsIsNeverDrift() {
        ListedPoint inFlight = new ListedPoint(snapshot(803), false, true, NOW.minus(Duration.ofHours(5)), Optional.empty(), "slow");
        DriftScan scan = new DriftScan(TEAM, SERVER, List.of(inFlight), AuditedPoints.from(madeThroughThePlatform(snapshot(804))),
                Set.of(snapshot(803), snapshot(804)), List.of(), List.of(), NOW, STUCK_AFTER);

        assertThat(scan.findings().detected()).isEmpty();
    }

    @Test
    void aPointInProgressPastTheThresholdIsStuckAndResolvesWhenItEnds() {
        Instant pastIt = NOW.minus(STUCK_AFTER).minus(ProviderClock.TOLERANCE);
        ListedPoint slow = new ListedPoint(snapshot(801), false, true, pastIt, Optional.empty(), "ours");
        ListedPoint young = new ListedPoint(snapshot(802), false, true, pastIt.plusSeconds(1), Optional.empty(), "ours too");
        List<AuditEvent> history = new ArrayList<>(madeThroughThePlatform(snapshot(801)));
        history.addAll(madeThroughThePlatform(snapshot(802)));

        DriftScan.Findings first = scan(List.of(slow, young), history).findings();
        assertThat(first.detected()).extracting(Drift::point, Drift::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(snapshot(801), DriftKind.STUCK_IN_PROGRESS));

        RecordedDrift stuck = new RecordedDrift(7, first.detected().getFirst());
        Instant later = NOW.plus(Duration.ofMinutes(10));
        DriftScan.Findings second = new DriftScan(TEAM, SERVER, List.of(completed(snapshot(801), "ours"), young),
                AuditedPoints.from(history), Set.of(), List.of(stuck), List.of(), later, STUCK_AFTER).findings();
        assertThat(second.detected()).extracting(Drift::point).containsExactly(snapshot(802));
        assertThat(second.resolved()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(7);
            assertThat(r.drift().resolution()).hasValue(new Drift.Resolution(later, "no longer in progress at VPS.org"));
        });
    }

    /**
     * VPS.org dates a point by its own clock, which may be behind ours: one it dates the threshold before our now may
     * have been in progress minutes less, and a "stuck" drift, which stays on record, would be false. It is stuck once
     * in progress that long by any clock within {@code ProviderClock.TOLERANCE} (ADR 0035, amended in session 48).
     */
    @Test
    void aPointInProgressForTheThresholdByVpsOrgsDateIsStuckOnlyOnceVpsOrgsClockBehindCannotExplainIt() {
        List<AuditEvent> history = new ArrayList<>(madeThroughThePlatform(snapshot(801)));
        history.addAll(madeThroughThePlatform(snapshot(802)));
        ListedPoint byItsDate = new ListedPoint(snapshot(801), false, true, NOW.minus(STUCK_AFTER), Optional.empty(), "ours");
        ListedPoint withinTheTolerance = new ListedPoint(snapshot(802), false, true,
                NOW.minus(STUCK_AFTER).minus(ProviderClock.TOLERANCE).plusSeconds(1), Optional.empty(), "ours too");

        assertThat(scan(List.of(byItsDate, withinTheTolerance), history).findings().detected())
                .as("in progress perhaps less than the threshold").isEmpty();

        assertThat(scanAt(NOW.plus(ProviderClock.TOLERANCE).minusSeconds(1), history, byItsDate, withinTheTolerance))
                .extracting(Drift::point, Drift::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(snapshot(802), DriftKind.STUCK_IN_PROGRESS));
        assertThat(scanAt(NOW.plus(ProviderClock.TOLERANCE), history, byItsDate, withinTheTolerance))
                .extracting(Drift::point).containsExactly(snapshot(801), snapshot(802));
    }

    private static List<Drift> scanAt(Instant now, List<AuditEvent> history, ListedPoint... listed) {
        return new DriftScan(TEAM, SERVER, List.of(listed), AuditedPoints.from(history), Set.of(), List.of(), List.of(), now,
                STUCK_AFTER).findings().detected();
    }

    @Test
    void aDriftOnRecordIsNotDetectedAgainAndAPointMadeOutsideResolvesWhenGone() {
        RecordedDrift made = new RecordedDrift(3, Drift.detected(TEAM, SERVER, snapshot(802), DriftKind.CREATED_OUTSIDE,
                NOW.minusSeconds(600), "by hand"));
        RecordedDrift deleted = new RecordedDrift(4, Drift.detected(TEAM, SERVER, snapshot(801), DriftKind.DELETED_OUTSIDE,
                NOW.minusSeconds(600), "gone"));

        DriftScan still = new DriftScan(TEAM, SERVER, List.of(completed(snapshot(802), "by hand")),
                AuditedPoints.from(madeThroughThePlatform(snapshot(801))), Set.of(), List.of(made, deleted), List.of(), NOW, STUCK_AFTER);
        assertThat(still.findings().detected()).isEmpty();
        assertThat(still.findings().resolved()).isEmpty();

        DriftScan gone = new DriftScan(TEAM, SERVER, List.of(), AuditedPoints.from(madeThroughThePlatform(snapshot(801))),
                Set.of(), List.of(made, deleted), List.of(), NOW, STUCK_AFTER);
        assertThat(gone.findings().detected()).isEmpty();
        assertThat(gone.findings().resolved()).singleElement().satisfies(r -> assertThat(r.id()).isEqualTo(3));
    }

    /** Detected on an instance whose clock runs ahead, resolved by one behind it: resolved at the detection, not before. */
    @Test
    void aDriftDetectedLaterByAnotherClockThanItsResolutionIsResolvedAtItsDetection() {
        Instant aheadBy5s = NOW.plusSeconds(5);
        RecordedDrift made = new RecordedDrift(3, Drift.detected(TEAM, SERVER, snapshot(802), DriftKind.CREATED_OUTSIDE,
                aheadBy5s, "by hand"));

        DriftScan.Findings gone = new DriftScan(TEAM, SERVER, List.of(), AuditedPoints.NONE, Set.of(), List.of(made), List.of(),
                NOW, STUCK_AFTER).findings();

        assertThat(gone.resolved()).singleElement().satisfies(r -> assertThat(r.drift().resolution())
                .hasValue(new Drift.Resolution(aheadBy5s, "no longer listed at VPS.org")));
    }

    @Test
    void anAutomaticBackupGoneAtItsExpiryExpiredAndOneGoneEarlierWasDeletedOutside() {
        ListedPoint expiring = automatic(501, NOW);
        ListedPoint lasting = automatic(502, NOW.plus(Duration.ofDays(3)));
        ListedPoint kept = automatic(503, NOW.plus(Duration.ofDays(5)));
        DriftScan.Findings first = scan(List.of(expiring, lasting, kept), List.of()).findings();
        assertThat(first.detected()).isEmpty(); // the provider's own backups are never "created outside"
        assertThat(first.sightings()).extracting(ListedPoint.Sighting::ref).containsExactly(backup(501), backup(502), backup(503));

        DriftScan.Findings second = new DriftScan(TEAM, SERVER, List.of(kept), AuditedPoints.NONE, Set.of(), List.of(),
                first.sightings(), NOW, STUCK_AFTER).findings();
        assertThat(second.detected()).extracting(Drift::point, Drift::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple(backup(501), DriftKind.AUTOMATIC_BACKUP_EXPIRED),
                org.assertj.core.groups.Tuple.tuple(backup(502), DriftKind.DELETED_OUTSIDE));
        assertThat(second.sightings()).extracting(ListedPoint.Sighting::ref).containsExactly(backup(503));
    }

    /**
     * VPS.org removes an automatic backup at {@code expires_at} on its own clock, which may run ahead of ours: one gone a
     * second before its expiry by our clock is expired, not deleted outside the platform; one gone earlier than VPS.org's
     * clock can be off still is (ADR 0035, amended in session 47).
     */
    @Test
    void anAutomaticBackupGoneJustBeforeItsExpiryByOurClockExpiredByVpsOrgsClockAhead() {
        Instant expiresAt = NOW.plus(Duration.ofDays(2));
        List<ListedPoint.Sighting> seen = List.of(automatic(504, expiresAt).sighting());

        DriftScan.Findings aSecondBefore = new DriftScan(TEAM, SERVER, List.of(), AuditedPoints.NONE, Set.of(), List.of(),
                seen, expiresAt.minusSeconds(1), STUCK_AFTER).findings();
        assertThat(aSecondBefore.detected()).extracting(Drift::point, Drift::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(backup(504), DriftKind.AUTOMATIC_BACKUP_EXPIRED));

        Instant beyondTheTolerance = expiresAt.minus(org.vpsrecovery.domain.common.ProviderClock.TOLERANCE).minusSeconds(1);
        DriftScan.Findings earlier = new DriftScan(TEAM, SERVER, List.of(), AuditedPoints.NONE, Set.of(), List.of(),
                seen, beyondTheTolerance, STUCK_AFTER).findings();
        assertThat(earlier.detected()).extracting(Drift::point, Drift::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(backup(504), DriftKind.DELETED_OUTSIDE));
    }

    /**
     * B is remembered, then goes at VPS.org while an open operation follows it (a delete awaiting approval, a
     * restore from it): the scan does not judge it then, but keeps remembering it, so that once the operation
     * ends without deleting it the next scan finds it gone.
     */
    @Test
    void anAutomaticBackupGoneWhileAnOpenOperationFollowsItIsRememberedAndJudgedOnceTheOperationEnds() {
        ListedPoint.Sighting seen = automatic(502, NOW.plus(Duration.ofDays(3))).sighting();

        DriftScan.Findings whileFollowed = new DriftScan(TEAM, SERVER, List.of(), AuditedPoints.NONE, Set.of(backup(502)),
                List.of(), List.of(seen), NOW, STUCK_AFTER).findings();
        assertThat(whileFollowed.detected()).isEmpty();
        assertThat(whileFollowed.sightings()).containsExactly(seen);

        DriftScan.Findings afterwards = new DriftScan(TEAM, SERVER, List.of(), AuditedPoints.NONE, Set.of(), List.of(),
                whileFollowed.sightings(), NOW.plus(Duration.ofDays(1)), STUCK_AFTER).findings();
        assertThat(afterwards.detected()).extracting(Drift::point, Drift::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(backup(502), DriftKind.DELETED_OUTSIDE));
        assertThat(afterwards.sightings()).isEmpty();
    }

    /** A backup of a type VPS.org does not document ("weekly") with an expires_at is the provider's, as ADR 0003 takes it. */
    @Test
    void aBackupOfAnUndocumentedTypeWithAnExpiryIsTheProvidersNotCreatedOutside() {
        ServerRef server = new ServerRef(SERVER, "web-server-01");
        Instant expiresAt = NOW.plus(Duration.ofDays(20));
        Backup weekly = new Backup(new BackupId(601), server, new BackupType(BackupType.Kind.UNKNOWN, "weekly"),
                CreationStatus.COMPLETED, OptionalLong.of(2048), NOW.minus(Duration.ofDays(1)), Optional.of(expiresAt),
                "Automatic weekly backup");

        DriftScan.Findings first = scan(List.of(ListedPoint.of(weekly)), List.of()).findings();
        assertThat(first.detected()).isEmpty();
        assertThat(first.sightings()).containsExactly(new ListedPoint.Sighting(backup(601), Optional.of(expiresAt)));

        DriftScan.Findings expired = new DriftScan(TEAM, SERVER, List.of(), AuditedPoints.NONE, Set.of(), List.of(),
                first.sightings(), expiresAt, STUCK_AFTER).findings();
        assertThat(expired.detected()).extracting(Drift::point, Drift::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(backup(601), DriftKind.AUTOMATIC_BACKUP_EXPIRED));
    }

    @Test
    void anAutomaticBackupDeletedThroughThePlatformIsNoDrift() {
        List<AuditEvent> deleted = List.of(event("d502", Operation.DELETE_BACKUP, new Outcome.Accepted(), Optional.of(backup(502)), Map.of()));
        DriftScan.Findings findings = new DriftScan(TEAM, SERVER, List.of(), AuditedPoints.from(deleted), Set.of(), List.of(),
                List.of(automatic(502, NOW.plus(Duration.ofDays(3))).sighting()), NOW, STUCK_AFTER).findings();

        assertThat(findings.detected()).isEmpty();
    }

    @Test
    void dryRunsAndPlansSayNothingAboutWhatThePlatformDid() {
        List<AuditEvent> history = new ArrayList<>(madeThroughThePlatform(snapshot(801)));
        history.add(event("p1", Operation.DELETE_SNAPSHOT, new Outcome.Planned(), Optional.of(snapshot(801)), Map.of()));

        assertThat(scan(List.of(), history).findings().detected()).extracting(Drift::kind).containsExactly(DriftKind.DELETED_OUTSIDE);
    }
}
