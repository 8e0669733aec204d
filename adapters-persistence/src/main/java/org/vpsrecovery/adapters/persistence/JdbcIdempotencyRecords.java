package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import javax.sql.DataSource;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.IdempotencyState;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;
import org.vpsrecovery.domain.port.IdempotencyRecords;

/**
 * Idempotency records in PostgreSQL (table {@code idempotency_record}, migration V2). {@code begin}
 * is one {@code INSERT ... ON CONFLICT} that either claims a free or expired key or leaves the live
 * record alone; only when it leaves it alone is the record read to say why. "Now" comes from the
 * clock, as in the in-memory records, not from the database.
 */
public final class JdbcIdempotencyRecords implements IdempotencyRecords {

    // A released or purged record can vanish between the claim and the read; then claim again.
    private static final int MAX_ATTEMPTS = 5;

    private static final String CLAIM = """
            INSERT INTO idempotency_record (team, idempotency_key, fingerprint, state, created_at, expires_at)
            VALUES (?, ?, ?, 'IN_FLIGHT', ?, ?)
            ON CONFLICT (team, idempotency_key) DO UPDATE
                SET fingerprint = EXCLUDED.fingerprint, state = 'IN_FLIGHT', response_status = NULL,
                    response_content_type = NULL, response_body = NULL,
                    created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
                WHERE idempotency_record.expires_at <= EXCLUDED.created_at
            RETURNING 1""";

    private static final String READ = """
            SELECT fingerprint, state, response_status, response_content_type, response_body
            FROM idempotency_record WHERE team = ? AND idempotency_key = ? AND expires_at > ?""";

    private final DataSource dataSource;
    private final Clock clock;

    public JdbcIdempotencyRecords(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public BeginResult begin(IdempotencyKey key, TeamId team, RequestFingerprint fingerprint, Instant expiresAt) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(expiresAt, "expires at");
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("a record must expire after it is created");
        }
        try (Connection connection = dataSource.getConnection()) {
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                if (claim(connection, key, team, fingerprint, now, expiresAt)) {
                    return new BeginResult.Started();
                }
                BeginResult existing = read(connection, key, team, fingerprint, now);
                if (existing != null) {
                    return existing;
                }
            }
            throw new DatabaseFailure("idempotency key kept changing under concurrent requests", null);
        } catch (SQLException e) {
            throw new DatabaseFailure("could not begin an idempotent request: " + e.getMessage(), e);
        }
    }

    private static boolean claim(Connection connection, IdempotencyKey key, TeamId team, RequestFingerprint fingerprint,
                                 Instant now, Instant expiresAt) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setString(1, team.value());
            claim.setString(2, key.value());
            claim.setString(3, fingerprint.sha256Hex());
            claim.setObject(4, utc(now));
            claim.setObject(5, utc(expiresAt));
            try (ResultSet rs = claim.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static BeginResult read(Connection connection, IdempotencyKey key, TeamId team,
                                    RequestFingerprint fingerprint, Instant now) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(READ)) {
            read.setString(1, team.value());
            read.setString(2, key.value());
            read.setObject(3, utc(now));
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!fingerprint.sha256Hex().equals(rs.getString("fingerprint"))) {
                    return new BeginResult.FingerprintMismatch();
                }
                if (IdempotencyState.valueOf(rs.getString("state")) == IdempotencyState.IN_FLIGHT) {
                    return new BeginResult.InFlight();
                }
                return new BeginResult.Replay(new StoredResponse(rs.getInt("response_status"),
                        rs.getString("response_content_type"), rs.getBytes("response_body")));
            }
        }
    }

    @Override
    public boolean complete(IdempotencyKey key, TeamId team, StoredResponse response) {
        Objects.requireNonNull(response, "response");
        return update("""
                UPDATE idempotency_record
                SET state = 'COMPLETED', response_status = ?, response_content_type = ?, response_body = ?
                WHERE team = ? AND idempotency_key = ? AND state = 'IN_FLIGHT' AND expires_at > ?""", ps -> {
            ps.setInt(1, response.status());
            ps.setString(2, response.contentType());
            ps.setBytes(3, response.body());
            ps.setString(4, team.value());
            ps.setString(5, key.value());
            ps.setObject(6, utc(clock.instant()));
        }, "complete an idempotent request") == 1;
    }

    @Override
    public void release(IdempotencyKey key, TeamId team) {
        update("DELETE FROM idempotency_record WHERE team = ? AND idempotency_key = ? AND state = 'IN_FLIGHT'", ps -> {
            ps.setString(1, team.value());
            ps.setString(2, key.value());
        }, "release an idempotency key");
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
