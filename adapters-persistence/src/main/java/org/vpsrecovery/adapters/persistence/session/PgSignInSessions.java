package org.vpsrecovery.adapters.persistence.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.SignInSessions;
import org.vpsrecovery.domain.session.SessionHolder;
import org.vpsrecovery.domain.session.SignInSession;

/**
 * The console's sessions in {@code console_session} (V22, ADR 0041). Plain JDBC: finding a session is
 * one conditional {@code UPDATE ... RETURNING} that refreshes its idle expiry and reads it at once.
 */
public final class PgSignInSessions implements SignInSessions {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final String PURGE =
            "DELETE FROM console_session WHERE last_seen_at < ? OR expires_at <= ? OR created_at <= ?";
    private static final String INSERT = """
            INSERT INTO console_session (id_digest, holder_kind, holder, actor_subject, actor_authentication,
                                         actor_key_id, csrf_token, created_at, last_seen_at, expires_at,
                                         credential_fingerprint)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String TOUCH = """
            UPDATE console_session SET last_seen_at = greatest(last_seen_at, ?)
            WHERE id_digest = ? AND last_seen_at >= ? AND expires_at > ? AND created_at > ?
            RETURNING id_digest, holder_kind, holder, actor_subject, actor_authentication, actor_key_id,
                      csrf_token, created_at, last_seen_at, expires_at, credential_fingerprint""";
    private static final String DELETE = "DELETE FROM console_session WHERE id_digest = ?";

    private final DataSource dataSource;

    public PgSignInSessions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
    }

    @Override
    public void open(SignInSession session, Instant idleSince, Instant now, Instant createdAfter) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement purge = connection.prepareStatement(PURGE)) {
                purge.setObject(1, at(idleSince));
                purge.setObject(2, at(now));
                purge.setObject(3, at(createdAfter));
                purge.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setString(1, session.idDigest());
                switch (session.holder()) {
                    case SessionHolder.Team team -> {
                        insert.setString(2, "team");
                        insert.setString(3, team.team().value());
                    }
                    case SessionHolder.Auditor auditor -> {
                        insert.setString(2, "auditor");
                        insert.setString(3, auditor.name());
                    }
                }
                insert.setString(4, session.actor().subject());
                insert.setString(5, session.actor().authentication().wireName());
                insert.setString(6, session.actor().keyId().orElse(null));
                insert.setString(7, session.csrfToken());
                insert.setObject(8, at(session.createdAt()));
                insert.setObject(9, at(session.lastSeenAt()));
                insert.setObject(10, at(session.expiresAt()));
                insert.setString(11, session.credential().orElse(null));
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw unavailable("open a console session", e);
        }
    }

    @Override
    public Optional<SignInSession> touch(String idDigest, Instant now, Instant idleSince, Instant createdAfter) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement touch = connection.prepareStatement(TOUCH)) {
                touch.setObject(1, at(now));
                touch.setString(2, idDigest);
                touch.setObject(3, at(idleSince));
                touch.setObject(4, at(now));
                touch.setObject(5, at(createdAfter));
                try (ResultSet row = touch.executeQuery()) {
                    return row.next() ? Optional.of(session(row)) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw unavailable("read a console session", e);
        }
    }

    @Override
    public void close(String idDigest) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                delete.setString(1, idDigest);
                delete.executeUpdate();
            }
        } catch (SQLException e) {
            throw unavailable("close a console session", e);
        }
    }

    private static SignInSession session(ResultSet row) throws SQLException {
        String holder = row.getString("holder");
        SessionHolder holderOf = row.getString("holder_kind").equals("team")
                ? new SessionHolder.Team(new TeamId(holder)) : new SessionHolder.Auditor(holder);
        Actor.Authentication how = Actor.Authentication.fromWireName(row.getString("actor_authentication"))
                .orElseThrow(() -> new IllegalStateException("a console session of an unknown authentication"));
        Actor actor = Actor.of(row.getString("actor_subject"), how, row.getString("actor_key_id"));
        return new SignInSession(row.getString("id_digest"), holderOf, actor, row.getString("csrf_token"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                row.getObject("expires_at", OffsetDateTime.class).toInstant(),
                Optional.ofNullable(row.getString("credential_fingerprint")));
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static PlatformUnavailable unavailable(String what, SQLException e) {
        // The message names the step, never a session id or digest.
        return new PlatformUnavailable("could not " + what + ": the database did not answer", RETRY_AFTER, e);
    }
}
