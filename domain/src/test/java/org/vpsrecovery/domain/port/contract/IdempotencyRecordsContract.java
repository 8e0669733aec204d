package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.IdempotencyScope;
import org.vpsrecovery.domain.idempotency.Lease;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.testing.AdjustableClock;

/**
 * What every {@link IdempotencyRecords} must do, run against the in-memory fake and the database.
 * {@link #emptyRecords} gives a fresh, empty store that reads "now" from the given clock.
 */
public abstract class IdempotencyRecordsContract {

    protected static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    protected static final IdempotencyScope BLUE = IdempotencyScope.of(new TeamId("blue"));
    protected static final IdempotencyScope GREEN = IdempotencyScope.of(new TeamId("green"));
    /** An auditor named as a team is: their keys are still apart. */
    protected static final IdempotencyScope BLUE_AUDITOR = IdempotencyScope.of(new AuditorName("blue"));
    protected static final IdempotencyKey KEY = new IdempotencyKey("0b6a3c1e-5d1f-4c52-9f8e-1a2b3c4d5e6f");
    protected static final RequestFingerprint CREATE = RequestFingerprint.of("POST", "/api/v1/snapshots/",
            "{\"server_id\":12345,\"name\":\"before-update\"}".getBytes(StandardCharsets.UTF_8));
    protected static final RequestFingerprint OTHER = RequestFingerprint.of("POST", "/api/v1/snapshots/",
            "{\"server_id\":12345,\"name\":\"something-else\"}".getBytes(StandardCharsets.UTF_8));
    protected static final StoredResponse CREATED = new StoredResponse(201, "application/json",
            "{\"id\":802,\"status\":\"in_progress\"}".getBytes(StandardCharsets.UTF_8));

    protected static final OperationId FIRST = OperationId.parse("00000000-0000-4000-8000-000000000001");
    protected static final OperationId SECOND = OperationId.parse("00000000-0000-4000-8000-000000000002");
    protected static final OperationId THIRD = OperationId.parse("00000000-0000-4000-8000-000000000003");
    protected static final Duration LEASE = Duration.ofSeconds(5);

    protected abstract IdempotencyRecords emptyRecords(AdjustableClock clock);

    private final AdjustableClock clock = new AdjustableClock(T0);

    private Lease lease(OperationId holder) {
        return lease(holder, LEASE);
    }

    private Lease lease(OperationId holder, Duration length) {
        return new Lease(holder, clock.instant().plus(length));
    }

    private Instant inOneDay() {
        return clock.instant().plus(Duration.ofDays(1));
    }

    @Test
    void aFreeKeyStartsAndThenIsInFlight() {
        IdempotencyRecords records = emptyRecords(clock);

        assertThat(records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Started());
        assertThat(records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.InFlight());
    }

    @Test
    void aCompletedKeyReplaysTheStoredResponseByteForByte() {
        IdempotencyRecords records = emptyRecords(clock);
        byte[] binary = {0, (byte) 0xff, 10, 13, 92, 39};
        StoredResponse odd = new StoredResponse(409, "application/problem+json; charset=utf-8", binary);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());

        assertThat(records.complete(KEY, BLUE, FIRST, odd)).isTrue();

        assertThat(records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Replay(odd));
        BeginResult.Replay replay = (BeginResult.Replay) records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        assertThat(replay.response().body()).containsExactly(binary);
    }

    @Test
    void aDifferentRequestUnderTheSameKeyIsAMismatchInFlightOrCompleted() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        assertThat(records.begin(KEY, BLUE, OTHER, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.FingerprintMismatch());

        records.complete(KEY, BLUE, FIRST, CREATED);
        assertThat(records.begin(KEY, BLUE, OTHER, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.FingerprintMismatch());
    }

    @Test
    void keysAreScopedPerTeam() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        records.complete(KEY, BLUE, FIRST, CREATED);

        assertThat(records.begin(KEY, GREEN, OTHER, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Started());
        assertThat(records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Replay(CREATED));
    }

    @Test
    void anAuditorsKeysAreApartFromTheTeamOfTheSameName() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        records.complete(KEY, BLUE, FIRST, CREATED);

        assertThat(records.begin(KEY, BLUE_AUDITOR, OTHER, lease(SECOND), inOneDay())).isEqualTo(new BeginResult.Started());
        assertThat(records.complete(KEY, BLUE_AUDITOR, SECOND, CREATED)).isTrue();
        assertThat(records.begin(KEY, BLUE_AUDITOR, OTHER, lease(THIRD), inOneDay())).isEqualTo(new BeginResult.Replay(CREATED));
        assertThat(records.begin(KEY, BLUE, OTHER, lease(THIRD), inOneDay())).isEqualTo(new BeginResult.FingerprintMismatch());
    }

    @Test
    void keysAreTakenLiterallyWhateverCharactersTheyHold() {
        IdempotencyRecords records = emptyRecords(clock);
        IdempotencyKey odd = new IdempotencyKey("it's 100% \\ \"odd\" _x_ ;--");
        IdempotencyKey similar = new IdempotencyKey("it's 100% \\ \"odd\" _y_ ;--");

        assertThat(records.begin(odd, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Started());
        assertThat(records.begin(similar, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Started());
        assertThat(records.complete(odd, BLUE, FIRST, CREATED)).isTrue();
        assertThat(records.begin(odd, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Replay(CREATED));
        assertThat(records.begin(similar, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.InFlight());
    }

    @Test
    void releaseFreesAnInFlightKeyButNeverForgetsACompletedOne() {
        IdempotencyRecords records = emptyRecords(clock);
        IdempotencyKey other = new IdempotencyKey("retry me");
        records.begin(other, BLUE, CREATE, lease(FIRST), inOneDay());
        records.release(other, BLUE, FIRST);
        assertThat(records.begin(other, BLUE, OTHER, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Started());

        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        records.complete(KEY, BLUE, FIRST, CREATED);
        records.release(KEY, BLUE, FIRST);
        assertThat(records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Replay(CREATED));
    }

    @Test
    void completeOnlyStoresForAnInFlightKey() {
        IdempotencyRecords records = emptyRecords(clock);
        assertThat(records.complete(KEY, BLUE, FIRST, CREATED)).isFalse();

        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        assertThat(records.complete(KEY, BLUE, FIRST, CREATED)).isTrue();
        StoredResponse later = new StoredResponse(500, "text/plain", new byte[0]);
        assertThat(records.complete(KEY, BLUE, FIRST, later)).isFalse();
        assertThat(records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Replay(CREATED));
    }

    @Test
    void anExpiredRecordCountsAsAbsentEvenBeforeItIsPurged() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), clock.instant().plusSeconds(60));
        records.complete(KEY, BLUE, FIRST, CREATED);

        clock.advance(Duration.ofSeconds(60));

        assertThat(records.begin(KEY, BLUE, OTHER, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Started());
        assertThat(records.begin(KEY, BLUE, OTHER, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.InFlight());
    }

    @Test
    void anExpiredInFlightKeyCannotBeCompleted() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), clock.instant().plusSeconds(60));
        clock.advance(Duration.ofMinutes(2));

        assertThat(records.complete(KEY, BLUE, FIRST, CREATED)).isFalse();
    }

    @Test
    void purgeDeletesOnlyExpiredRecords() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(new IdempotencyKey("short-1"), BLUE, CREATE, lease(FIRST), clock.instant().plusSeconds(10));
        records.begin(new IdempotencyKey("short-2"), GREEN, CREATE, lease(FIRST), clock.instant().plusSeconds(10));
        records.complete(new IdempotencyKey("short-2"), GREEN, FIRST, CREATED);
        records.begin(new IdempotencyKey("long"), BLUE, CREATE, lease(FIRST, Duration.ofHours(1)), clock.instant().plusSeconds(3600));

        assertThat(records.purgeExpired()).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(records.purgeExpired()).isEqualTo(2);
        assertThat(records.purgeExpired()).isZero();

        assertThat(records.begin(new IdempotencyKey("long"), BLUE, CREATE, lease(FIRST), inOneDay()))
                .isEqualTo(new BeginResult.InFlight());
    }

    @Test
    void refusesARecordThatWouldBeBornExpired() {
        IdempotencyRecords records = emptyRecords(clock);
        assertThatThrownBy(() -> records.begin(KEY, BLUE, CREATE, lease(FIRST), clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLiveLeaseKeepsTheKeyInFlightAndAnEndedOneIsTakenOverOnce() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());

        clock.advance(LEASE.minusSeconds(1));
        assertThat(records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay())).isEqualTo(new BeginResult.InFlight());

        clock.advance(Duration.ofSeconds(1));
        assertThat(records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay()))
                .isEqualTo(BeginResult.TakenOver.from(FIRST));
        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay())).isEqualTo(new BeginResult.InFlight());
    }

    /** A taker that left no answer may have left no trace either: the next taker is told of every holder before it. */
    @Test
    void aTakeoverNamesEveryHolderTakenOverFromUntilTheKeyIsClaimedAfresh() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        clock.advance(LEASE);
        assertThat(records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay())).isEqualTo(BeginResult.TakenOver.from(FIRST));
        clock.advance(LEASE);
        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay()))
                .isEqualTo(new BeginResult.TakenOver(List.of(FIRST, SECOND), false));

        records.release(KEY, BLUE, THIRD);
        assertThat(records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Started());
        clock.advance(LEASE);
        assertThat(records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay())).isEqualTo(BeginResult.TakenOver.from(FIRST));
    }

    /** A taker that cannot tell gives the key back: never freed, taken over at once, its holders kept. */
    @Test
    void aKeyGivenBackStaysInFlightAndIsTakenOverAtOnceWithItsHolders() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        clock.advance(LEASE);
        records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay());

        records.endLease(KEY, BLUE, FIRST); // no longer its holder: nothing changes
        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay())).isEqualTo(new BeginResult.InFlight());
        records.endLease(KEY, BLUE, SECOND);
        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay()))
                .isEqualTo(BeginResult.TakenOver.from(FIRST));
        assertThat(records.complete(KEY, BLUE, SECOND, CREATED)).isFalse();
        assertThat(records.complete(KEY, BLUE, THIRD, CREATED)).isTrue();
        records.endLease(KEY, BLUE, THIRD); // a completed key is not in flight
        assertThat(records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).isEqualTo(new BeginResult.Replay(CREATED));
    }

    /**
     * A taker that cannot tell did nothing: giving the key back undoes its takeover, so retries while the database is
     * away take it over and give it back again and again without the holders growing (ADR 0027, amended in session 40).
     */
    @Test
    void aKeyGivenBackAgainAndAgainTracesOnlyTheHolderThatRan() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        clock.advance(LEASE);
        for (OperationId taker : List.of(SECOND, THIRD, SECOND)) {
            assertThat(records.begin(KEY, BLUE, CREATE, lease(taker), inOneDay())).isEqualTo(BeginResult.TakenOver.from(FIRST));
            records.endLease(KEY, BLUE, taker);
            assertThat(records.complete(KEY, BLUE, taker, CREATED)).isFalse();
        }

        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay())).isEqualTo(BeginResult.TakenOver.from(FIRST));
    }

    /**
     * Taken over in its last minutes, a key is kept as long as one begun at the takeover: never expired (claimed afresh
     * by another request, or purged) while its taker runs, and its taker's answer kept for replays.
     */
    @Test
    void aKeyTakenOverJustBeforeItExpiresLivesOnForItsTaker() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        clock.advance(Duration.ofDays(1).minusMinutes(1));
        assertThat(records.begin(KEY, BLUE, CREATE, lease(SECOND, Duration.ofMinutes(5)), inOneDay()))
                .isEqualTo(BeginResult.TakenOver.from(FIRST));

        clock.advance(Duration.ofMinutes(2));
        assertThat(records.purgeExpired()).isZero();
        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay())).isEqualTo(new BeginResult.InFlight());
        assertThat(records.complete(KEY, BLUE, SECOND, CREATED)).isTrue();
        clock.advance(Duration.ofHours(23));
        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay())).isEqualTo(new BeginResult.Replay(CREATED));
    }

    @Test
    void aHolderWhoseKeyWasTakenOverCanNeitherCompleteNorReleaseIt() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        clock.advance(LEASE);
        records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay());

        assertThat(records.complete(KEY, BLUE, FIRST, CREATED)).isFalse();
        records.release(KEY, BLUE, FIRST);
        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay())).isEqualTo(new BeginResult.InFlight());

        assertThat(records.complete(KEY, BLUE, SECOND, CREATED)).isTrue();
        assertThat(records.begin(KEY, BLUE, CREATE, lease(THIRD), inOneDay())).isEqualTo(new BeginResult.Replay(CREATED));
    }

    @Test
    void anEndedLeaseIsNoTakeoverForADifferentRequest() {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        clock.advance(LEASE.multipliedBy(2));

        assertThat(records.begin(KEY, BLUE, OTHER, lease(SECOND), inOneDay())).isEqualTo(new BeginResult.FingerprintMismatch());
        assertThat(records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay()))
                .isEqualTo(BeginResult.TakenOver.from(FIRST));
    }

    @Test
    void aStoredResponseKeepsTheOperationItNamed() {
        IdempotencyRecords records = emptyRecords(clock);
        StoredResponse named = new StoredResponse(201, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                Optional.of(FIRST));
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        records.complete(KEY, BLUE, FIRST, named);

        BeginResult.Replay replay = (BeginResult.Replay) records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay());
        assertThat(replay.response().operationId()).contains(FIRST);
        assertThat(replay.response()).isEqualTo(named);
    }

    /** A kept answer's ETag is replayed with it; a key claimed afresh once expired keeps none of the answer before it. */
    @Test
    void aStoredResponseKeepsItsETagAndAKeyClaimedAfreshKeepsNoneOfTheOldOne() {
        IdempotencyRecords records = emptyRecords(clock);
        StoredResponse tagged = new StoredResponse(201, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                Optional.empty(), Optional.of("\"1\""));
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        records.complete(KEY, BLUE, FIRST, tagged);

        BeginResult.Replay replay = (BeginResult.Replay) records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay());
        assertThat(replay.response().etag()).contains("\"1\"");
        assertThat(replay.response()).isEqualTo(tagged);

        clock.advance(Duration.ofDays(1).plusSeconds(1));
        StoredResponse untagged = new StoredResponse(201, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(records.begin(KEY, BLUE, CREATE, lease(SECOND), inOneDay())).isEqualTo(new BeginResult.Started());
        records.complete(KEY, BLUE, SECOND, untagged);
        assertThat(((BeginResult.Replay) records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay())).response().etag())
                .isEmpty();
    }

    @Test
    void refusesALeaseOutlivingItsRecord() {
        IdempotencyRecords records = emptyRecords(clock);
        assertThatThrownBy(() -> records.begin(KEY, BLUE, CREATE, lease(FIRST, Duration.ofHours(2)),
                clock.instant().plus(Duration.ofHours(1)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactlyOneOfManyConcurrentTakersWins() throws Exception {
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
        clock.advance(LEASE);
        List<BeginResult> results = concurrently(12, caller -> records.begin(KEY, BLUE, CREATE,
                lease(new OperationId(new java.util.UUID(7, caller))), inOneDay()));

        assertThat(results).filteredOn(r -> r instanceof BeginResult.TakenOver).containsExactly(
                BeginResult.TakenOver.from(FIRST));
        assertThat(results).filteredOn(r -> r instanceof BeginResult.InFlight).hasSize(11);
    }

    private interface Caller {
        BeginResult call(int caller) throws Exception;
    }

    private static List<BeginResult> concurrently(int callers, Caller caller) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<BeginResult>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int each = i;
                futures.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    return caller.call(each);
                }));
            }
            go.countDown();
            List<BeginResult> results = new ArrayList<>();
            for (Future<BeginResult> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void exactlyOneOfManyConcurrentCallersStarts() throws Exception {
        IdempotencyRecords records = emptyRecords(clock);
        int callers = 12;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Callable<BeginResult>> tasks = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                tasks.add(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    return records.begin(KEY, BLUE, CREATE, lease(FIRST), inOneDay());
                });
            }
            List<Future<BeginResult>> futures = new ArrayList<>();
            for (Callable<BeginResult> task : tasks) {
                futures.add(pool.submit(task));
            }
            go.countDown();
            List<BeginResult> results = new ArrayList<>();
            for (Future<BeginResult> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn(r -> r instanceof BeginResult.Started).hasSize(1);
            assertThat(results).filteredOn(r -> r instanceof BeginResult.InFlight).hasSize(callers - 1);
        } finally {
            pool.shutdownNow();
        }
    }
}
