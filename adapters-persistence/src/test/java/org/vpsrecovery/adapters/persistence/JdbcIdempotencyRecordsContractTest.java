package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FailingConnections;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.Lease;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.contract.IdempotencyRecordsContract;
import org.vpsrecovery.domain.testing.AdjustableClock;

class JdbcIdempotencyRecordsContractTest extends IdempotencyRecordsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private DataSource lastDataSource;

    @Override
    protected IdempotencyRecords emptyRecords(AdjustableClock clock) {
        lastDataSource = DATABASE.anotherMigrated().dataSource();
        return new JdbcIdempotencyRecords(lastDataSource, clock);
    }

    /** A key left in flight before V9 gave it a lease: V9 ends its lease, and its unknown holder is said so, to every later taker. */
    @Test
    void aKeyInFlightFromBeforeLeasesIsTakenOverWithNoKnownHolder() throws SQLException {
        AdjustableClock clock = new AdjustableClock(T0);
        IdempotencyRecords records = emptyRecords(clock);
        try (Connection connection = lastDataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO idempotency_record (team, idempotency_key, fingerprint, state, created_at, expires_at,
                                                     lease_until)
                     VALUES (?, ?, ?, 'IN_FLIGHT', ?, ?, ?)""")) {
            OffsetDateTime created = OffsetDateTime.ofInstant(T0.minusSeconds(600), ZoneOffset.UTC);
            insert.setString(1, BLUE.value());
            insert.setString(2, KEY.value());
            insert.setString(3, CREATE.sha256Hex());
            insert.setObject(4, created);
            insert.setObject(5, created.plusDays(1));
            insert.setObject(6, created); // what V9 sets for rows in flight
            insert.executeUpdate();
        }

        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(SECOND, T0.plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isEqualTo(new BeginResult.TakenOver(List.of(), true));
        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(THIRD, T0.plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isEqualTo(new BeginResult.InFlight());
        // Its taker kept no answer either: the next taker is still told that one holder cannot be traced (V62).
        clock.advance(LEASE);
        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(THIRD, clock.instant().plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isEqualTo(new BeginResult.TakenOver(List.of(SECOND), true));
    }

    /**
     * The release before V62 claims an expired key afresh without emptying its holders (a rolling deploy, a rollback):
     * the database empties them (V62's trigger), so the key's new request is not told of another request's holders.
     */
    @Test
    void aKeyClaimedAfreshByTheReleaseBeforeKeepsNoneOfItsOldHolders() throws SQLException {
        AdjustableClock clock = new AdjustableClock(T0);
        IdempotencyRecords records = emptyRecords(clock);
        records.begin(KEY, BLUE, CREATE, new Lease(FIRST, clock.instant().plus(LEASE)), clock.instant().plus(Duration.ofDays(1)));
        clock.advance(LEASE);
        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(SECOND, clock.instant().plus(LEASE)),
                clock.instant().plus(Duration.ofDays(1)))).isEqualTo(BeginResult.TakenOver.from(FIRST));

        clock.advance(Duration.ofDays(2));
        // The claim of the release before V62, word for word (git show df2d464d).
        try (Connection connection = lastDataSource.getConnection();
             PreparedStatement oldClaim = connection.prepareStatement("""
                     INSERT INTO idempotency_record (team, idempotency_key, fingerprint, state, created_at, expires_at,
                                                     holder, lease_until)
                     VALUES (?, ?, ?, 'IN_FLIGHT', ?, ?, ?, ?)
                     ON CONFLICT (team, idempotency_key) DO UPDATE
                         SET fingerprint = EXCLUDED.fingerprint, state = 'IN_FLIGHT', response_status = NULL,
                             response_content_type = NULL, response_body = NULL, response_operation_id = NULL,
                             created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
                             holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
                         WHERE idempotency_record.expires_at <= EXCLUDED.created_at
                     RETURNING 1""")) {
            OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
            oldClaim.setString(1, BLUE.value());
            oldClaim.setString(2, KEY.value());
            oldClaim.setString(3, CREATE.sha256Hex());
            oldClaim.setObject(4, now);
            oldClaim.setObject(5, now.plusDays(1));
            oldClaim.setObject(6, THIRD.value());
            oldClaim.setObject(7, now.plus(LEASE));
            try (var claimed = oldClaim.executeQuery()) {
                assertThat(claimed.next()).isTrue();
            }
        }

        clock.advance(LEASE);
        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(FIRST, clock.instant().plus(LEASE)),
                clock.instant().plus(Duration.ofDays(1)))).isEqualTo(BeginResult.TakenOver.from(THIRD));
    }

    /** Records over connections whose statements lose their connection: after running ({@code answerLost}), or before. */
    private IdempotencyRecords losing(AdjustableClock clock, Predicate<String> answerLost, Predicate<String> neverRun) {
        emptyRecords(clock);
        return new JdbcIdempotencyRecords(FailingConnections.losingStatements(lastDataSource, answerLost, neverRun), clock);
    }

    /** Accepts the first SQL text that starts with {@code start}, then none. */
    private static Predicate<String> once(String start) {
        AtomicBoolean armed = new AtomicBoolean(true);
        return sql -> sql.strip().startsWith(start) && armed.getAndSet(false);
    }

    /**
     * A claim whose INSERT committed, its answer lost (PostgreSQL restarting): the request is told 503 "nothing was done",
     * and the retry it invites claims the key. The key was left held by no one running, and the retry told 409
     * IDEMPOTENT_REQUEST_IN_PROGRESS for the whole lease (ADR 0027, amended in session 45, after review).
     */
    @Test
    void aClaimWhoseAnswerWasLostAfterItsCommitIsGivenBackSoTheRetryClaimsTheKey() {
        AdjustableClock clock = new AdjustableClock(T0);
        IdempotencyRecords records = losing(clock, once("INSERT INTO idempotency_record"), sql -> false);

        assertThatThrownBy(() -> records.begin(KEY, BLUE, CREATE, new Lease(FIRST, T0.plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isInstanceOfSatisfying(PlatformUnavailable.class,
                        e -> assertThat(e.getMessage()).contains("nothing was done").doesNotContain("held"));

        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(SECOND, T0.plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isEqualTo(new BeginResult.Started());
    }

    /**
     * The claim committed with its answer lost, and the key could not be given back either: the 503 says the key may be
     * held until the lease's end, its Retry-After that end, after which the retry takes the key over (no trace of the
     * first: it runs), never told 409 in progress by what the 503 said.
     */
    @Test
    void aClaimThatCouldNotBeGivenBackIsAnsweredWithTheLeasesEnd() {
        AdjustableClock clock = new AdjustableClock(T0);
        IdempotencyRecords records = losing(clock, once("INSERT INTO idempotency_record"),
                sql -> sql.strip().startsWith("DELETE FROM idempotency_record"));

        assertThatThrownBy(() -> records.begin(KEY, BLUE, CREATE, new Lease(FIRST, T0.plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isInstanceOfSatisfying(PlatformUnavailable.class, e -> {
                    assertThat(e.retryAfter()).isEqualTo(LEASE);
                    assertThat(e.getMessage()).contains("may stay held until " + T0.plus(LEASE));
                });
        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(SECOND, T0.plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isEqualTo(new BeginResult.InFlight());
        clock.advance(LEASE);
        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(SECOND, clock.instant().plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isEqualTo(BeginResult.TakenOver.from(FIRST));
    }

    /**
     * A takeover whose UPDATE committed, its answer lost: undone (the holder taken over from is the holder again), so
     * the retry takes it over at once and traces that holder alone, not the taker that never ran.
     */
    @Test
    void aTakeoverWhoseAnswerWasLostAfterItsCommitIsUndoneSoTheRetryTakesItOver() {
        AdjustableClock clock = new AdjustableClock(T0);
        IdempotencyRecords records = losing(clock, once("UPDATE idempotency_record"), sql -> false);
        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(FIRST, T0.plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isEqualTo(new BeginResult.Started());
        clock.advance(LEASE);

        assertThatThrownBy(() -> records.begin(KEY, BLUE, CREATE, new Lease(SECOND, clock.instant().plus(LEASE)),
                T0.plus(Duration.ofDays(1)))).isInstanceOf(PlatformUnavailable.class);

        assertThat(records.begin(KEY, BLUE, CREATE, new Lease(THIRD, clock.instant().plus(LEASE)), T0.plus(Duration.ofDays(1))))
                .isEqualTo(BeginResult.TakenOver.from(FIRST));
    }
}
