package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.IdempotencyScope;
import org.vpsrecovery.domain.idempotency.IdempotencyState;
import org.vpsrecovery.domain.idempotency.Lease;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * Idempotency records in PostgreSQL (table {@code idempotency_record}, migrations V2, V9 and V62).
 * {@code begin} is one {@code INSERT ... ON CONFLICT} that either claims a free or expired key or
 * leaves the live record alone; only when it leaves it alone is the record read to say why, and an
 * in-flight record whose lease has ended is taken over by one {@code UPDATE ... WHERE} the lease is
 * still the ended one that was read, so exactly one of several takers wins. "Now" comes from the
 * clock, as in the in-memory records, not from the database. Kept on plain JDBC rather than a
 * Micronaut Data repository: the claim and the takeover are conditional writes whose row count is
 * the answer (ADR 0027). The {@code team} column holds the {@link IdempotencyScope}'s value: a team's id, as it
 * always did, or {@code auditor:<name>}.
 */
public final class JdbcIdempotencyRecords implements IdempotencyRecords {

    /** How long a request whose key could not be begun is told to wait (the database was busy or away). */
    private static final Duration BEGIN_RETRY_AFTER = Duration.ofSeconds(2);

    // A released or purged record can vanish between the claim and the read, another taker can win: then look again.
    private static final int MAX_ATTEMPTS = 5;

    private static final String CLAIM = """
            INSERT INTO idempotency_record (team, idempotency_key, fingerprint, state, created_at, expires_at,
                                            holder, lease_until)
            VALUES (?, ?, ?, 'IN_FLIGHT', ?, ?, ?, ?)
            ON CONFLICT (team, idempotency_key) DO UPDATE
                SET fingerprint = EXCLUDED.fingerprint, state = 'IN_FLIGHT', response_status = NULL,
                    response_content_type = NULL, response_body = NULL, response_operation_id = NULL,
                    response_etag = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
                    holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until, interrupted_holders = '{}'
                WHERE idempotency_record.expires_at <= EXCLUDED.created_at
            RETURNING 1""";

    private static final String READ = """
            SELECT fingerprint, state, holder, lease_until, response_status, response_content_type, response_body,
                   response_operation_id, response_etag
            FROM idempotency_record WHERE team = ? AND idempotency_key = ? AND expires_at > ?""";

    // Only over the ended lease that was read: a second taker finds the new lease and gets InFlight. The holder taken
    // over from joins the ones before it (V62): any of them may have reached VPS.org. The record lives on at least as
    // long as a key begun now: else a takeover late in its day expires under the taker (ADR 0027, session 40).
    private static final String TAKE_OVER = """
            UPDATE idempotency_record
            SET holder = ?, lease_until = ?, interrupted_holders = array_append(interrupted_holders, holder),
                expires_at = GREATEST(expires_at, ?)
            WHERE team = ? AND idempotency_key = ? AND state = 'IN_FLIGHT' AND fingerprint = ?
              AND holder IS NOT DISTINCT FROM ? AND lease_until = ? AND lease_until <= ? AND expires_at > ?
            RETURNING interrupted_holders""";

    private final DataSource dataSource;
    private final Clock clock;

    public JdbcIdempotencyRecords(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public BeginResult begin(IdempotencyKey key, IdempotencyScope scope, RequestFingerprint fingerprint, Lease lease,
                             Instant expiresAt) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(expiresAt, "expires at");
        Instant now = clock.instant();
        IdempotencyRecords.requireTimes(lease, expiresAt, now);
        // How to give the key back if the write under way fails: a claim's row is removed, a takeover is undone.
        Runnable giveBack = null;
        try (Connection connection = dataSource.getConnection()) {
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                giveBack = () -> release(key, scope, lease.holder());
                if (claim(connection, key, scope, fingerprint, lease, now, expiresAt)) {
                    return new BeginResult.Started();
                }
                giveBack = null;
                Found existing = read(connection, key, scope, fingerprint, now);
                if (existing instanceof Found.Answer answer) {
                    return answer.result();
                }
                if (existing instanceof Found.EndedLease ended) {
                    giveBack = () -> endLease(key, scope, lease.holder());
                    Optional<BeginResult.TakenOver> taken = takeOver(connection, key, scope, fingerprint, ended, lease,
                            expiresAt, now);
                    if (taken.isPresent()) {
                        return taken.get();
                    }
                    giveBack = null;
                }
            }
            throw new PlatformUnavailable("the Idempotency-Key kept changing under concurrent requests; nothing was done",
                    BEGIN_RETRY_AFTER, null);
        } catch (SQLException e) {
            // Before anything of the request ran: a 503 with Retry-After, not a 500 (ADR 0023).
            throw notBegun(giveBack, lease, e);
        }
    }

    /**
     * Nothing of the request ran, but a claim or a takeover whose connection was lost may have committed (its answer
     * lost): the key would then be held, and the retry the 503 invites told 409 IDEMPOTENT_REQUEST_IN_PROGRESS for the
     * whole lease. So the key is given back first, on a fresh connection. If that fails too, the 503 says so: its
     * Retry-After is the lease's end, when the key is free to a retry whatever happened (ADR 0027, amended in session 45).
     */
    private PlatformUnavailable notBegun(Runnable giveBack, Lease lease, SQLException failure) {
        if (giveBack == null || DatabaseOutOfReach.nothingDone(failure)) {
            return new PlatformUnavailable("could not begin an idempotent request (the platform's database); nothing was "
                    + "done", BEGIN_RETRY_AFTER, failure);
        }
        try {
            giveBack.run();
            return new PlatformUnavailable("could not begin an idempotent request (the platform's database); nothing was "
                    + "done", BEGIN_RETRY_AFTER, failure);
        } catch (RuntimeException stillOut) {
            failure.addSuppressed(stillOut);
            Duration leaseLeft = Duration.between(clock.instant(), lease.until());
            return new PlatformUnavailable("could not begin an idempotent request (the platform's database); nothing was "
                    + "done, but the Idempotency-Key may stay held until " + lease.until() + ": retry with it after that",
                    leaseLeft.compareTo(BEGIN_RETRY_AFTER) > 0 ? leaseLeft : BEGIN_RETRY_AFTER, failure);
        }
    }

    private static boolean claim(Connection connection, IdempotencyKey key, IdempotencyScope scope, RequestFingerprint fingerprint,
                                 Lease lease, Instant now, Instant expiresAt) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setString(1, scope.value());
            claim.setString(2, key.value());
            claim.setString(3, fingerprint.sha256Hex());
            claim.setObject(4, utc(now));
            claim.setObject(5, utc(expiresAt));
            claim.setObject(6, lease.holder().value());
            claim.setObject(7, utc(lease.until()));
            try (ResultSet rs = claim.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** What the read found: an answer for the caller, an in-flight record whose lease ended, or nothing. */
    private sealed interface Found {
        record Answer(BeginResult result) implements Found {
        }

        record EndedLease(Optional<OperationId> holder, OffsetDateTime until) implements Found {
        }

        record Nothing() implements Found {
        }
    }

    private static Found read(Connection connection, IdempotencyKey key, IdempotencyScope scope,
                              RequestFingerprint fingerprint, Instant now) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(READ)) {
            read.setString(1, scope.value());
            read.setString(2, key.value());
            read.setObject(3, utc(now));
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next()) {
                    return new Found.Nothing();
                }
                if (!fingerprint.sha256Hex().equals(rs.getString("fingerprint"))) {
                    return new Found.Answer(new BeginResult.FingerprintMismatch());
                }
                if (IdempotencyState.valueOf(rs.getString("state")) == IdempotencyState.IN_FLIGHT) {
                    OffsetDateTime leaseUntil = rs.getObject("lease_until", OffsetDateTime.class);
                    if (leaseUntil.toInstant().isAfter(now)) {
                        return new Found.Answer(new BeginResult.InFlight());
                    }
                    return new Found.EndedLease(operationId(rs, "holder"), leaseUntil);
                }
                return new Found.Answer(new BeginResult.Replay(new StoredResponse(rs.getInt("response_status"),
                        rs.getString("response_content_type"), rs.getBytes("response_body"),
                        operationId(rs, "response_operation_id"), Optional.ofNullable(rs.getString("response_etag")))));
            }
        }
    }

    /** Empty when another taker won. */
    private static Optional<BeginResult.TakenOver> takeOver(Connection connection, IdempotencyKey key, IdempotencyScope scope,
                                                            RequestFingerprint fingerprint, Found.EndedLease ended, Lease lease,
                                                            Instant expiresAt, Instant now) throws SQLException {
        try (PreparedStatement take = connection.prepareStatement(TAKE_OVER)) {
            take.setObject(1, lease.holder().value());
            take.setObject(2, utc(lease.until()));
            take.setObject(3, utc(expiresAt));
            take.setString(4, scope.value());
            take.setString(5, key.value());
            take.setString(6, fingerprint.sha256Hex());
            take.setObject(7, ended.holder().map(OperationId::value).orElse(null), Types.OTHER);
            take.setObject(8, ended.until());
            take.setObject(9, utc(now));
            take.setObject(10, utc(now));
            try (ResultSet rs = take.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<OperationId> interrupted = new ArrayList<>();
                boolean untraceable = false;
                for (Object holder : (Object[]) rs.getArray("interrupted_holders").getArray()) {
                    if (holder == null) {
                        untraceable = true; // a holder from before V9
                    } else {
                        interrupted.add(new OperationId((UUID) holder));
                    }
                }
                return Optional.of(new BeginResult.TakenOver(interrupted, untraceable));
            }
        }
    }

    private static Optional<OperationId> operationId(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, UUID.class)).map(OperationId::new);
    }

    @Override
    public boolean complete(IdempotencyKey key, IdempotencyScope scope, OperationId holder, StoredResponse response) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(response, "response");
        return update("""
                UPDATE idempotency_record
                SET state = 'COMPLETED', response_status = ?, response_content_type = ?, response_body = ?,
                    response_operation_id = ?, response_etag = ?
                WHERE team = ? AND idempotency_key = ? AND state = 'IN_FLIGHT' AND holder = ? AND expires_at > ?""", ps -> {
            ps.setInt(1, response.status());
            ps.setString(2, response.contentType());
            ps.setBytes(3, response.body());
            ps.setObject(4, response.operationId().map(OperationId::value).orElse(null), Types.OTHER);
            ps.setString(5, response.etag().orElse(null));
            ps.setString(6, scope.value());
            ps.setString(7, key.value());
            ps.setObject(8, holder.value());
            ps.setObject(9, utc(clock.instant()));
        }, "complete an idempotent request") == 1;
    }

    @Override
    public void release(IdempotencyKey key, IdempotencyScope scope, OperationId holder) {
        Objects.requireNonNull(holder, "holder");
        update("""
                DELETE FROM idempotency_record
                WHERE team = ? AND idempotency_key = ? AND state = 'IN_FLIGHT' AND holder = ?""", ps -> {
            ps.setString(1, scope.value());
            ps.setString(2, key.value());
            ps.setObject(3, holder.value());
        }, "release an idempotency key");
    }

    @Override
    public void endLease(IdempotencyKey key, IdempotencyScope scope, OperationId holder) {
        Objects.requireNonNull(holder, "holder");
        // A taker that gives the key back did nothing: its takeover is undone (the holder taken over from is the holder
        // again, the list as it was), so the retry's takeover does not trace it too. A first holder only ends its lease.
        update("""
                UPDATE idempotency_record
                SET lease_until = ?,
                    holder = CASE WHEN cardinality(interrupted_holders) = 0 THEN holder
                                  ELSE interrupted_holders[cardinality(interrupted_holders)] END,
                    interrupted_holders = interrupted_holders[1:cardinality(interrupted_holders) - 1]
                WHERE team = ? AND idempotency_key = ? AND state = 'IN_FLIGHT' AND holder = ?""", ps -> {
            ps.setObject(1, utc(clock.instant()));
            ps.setString(2, scope.value());
            ps.setString(3, key.value());
            ps.setObject(4, holder.value());
        }, "give back an idempotency key");
    }

    @Override
    public int purgeExpired() {
        return update("DELETE FROM idempotency_record WHERE expires_at <= ?",
                ps -> ps.setObject(1, utc(clock.instant())), "purge expired idempotency records");
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private int update(String sql, Binder binder, String what) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseFailure("could not " + what + ": " + e.getMessage(), e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
