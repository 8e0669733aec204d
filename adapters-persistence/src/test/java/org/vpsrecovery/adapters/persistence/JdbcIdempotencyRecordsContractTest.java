package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.Lease;
import org.vpsrecovery.domain.port.IdempotencyRecords;
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
}
