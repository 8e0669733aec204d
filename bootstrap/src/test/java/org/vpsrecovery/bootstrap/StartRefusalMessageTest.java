package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import io.micronaut.context.exceptions.BeanInstantiationException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.vpsrecovery.adapters.persistence.PostgresServerTooOld;

/** What Application prints when Micronaut's start fails (ADR 0021, amended in session 42). */
class StartRefusalMessageTest {

    @Test
    void aCheckedSettingIsOneLineNamingItsKey() {
        assertThat(said(wrapped(new StartupRefused("vpsr.drift.stuck-after must be positive, was PT0S"))))
                .isEqualTo("vps-recovery cannot start: vpsr.drift.stuck-after must be positive, was PT0S\n");
        assertThat(said(wrapped(new IllegalArgumentException("vpsr.idempotency.lease must be positive"))))
                .isEqualTo("vps-recovery cannot start: vpsr.idempotency.lease must be positive\n");
    }

    @Test
    void aDatabaseServerTooOldIsOneLineInV64sWords() {
        assertThat(said(wrapped(new PostgresServerTooOld("16.4"))))
                .isEqualTo("vps-recovery cannot start: vps-recovery needs PostgreSQL 17 or newer; this server is "
                        + "PostgreSQL 16.4 (upgrade the server (pg_upgrade, or a dump restored into 17), then start "
                        + "vps-recovery again)\n");
    }

    @Test
    void aRefusalWithoutAMessageShowsItsTraceRatherThanOnlyItsType() {
        // What a library's own check of a value we passed on unchecked throws (a scheduler's non-positive period).
        String said = said(wrapped(new IllegalArgumentException()));

        assertThat(said).startsWith("vps-recovery cannot start: java.lang.IllegalArgumentException without a message")
                .contains("\tat ");
    }

    @Test
    void anythingElseKeepsItsTrace() {
        assertThat(said(wrapped(new IllegalStateException("connection refused"))))
                .startsWith("vps-recovery cannot start: connection refused\n").contains("\tat ");
    }

    @Test
    void aDatabaseThatCannotBeReachedIsNamedInFixedWordsNeverItsUrlNorHost() throws Exception {
        // The chain a start printed in session 52's review: PgJDBC took "postgres:SECRET@127.0.0.1" for a host name.
        RuntimeException unknownHost = new HikariPool.PoolInitializationException(new PSQLException(
                "The connection attempt failed.", PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                new UnknownHostException("postgres:url-secret@127.0.0.1")));
        assertThat(said(wrapped(unknownHost))).isEqualTo("vps-recovery cannot start: the database (VPSR_DATABASE_URL, "
                + "VPSR_DATABASE_USER) could not be used: its host name is not known (check the host in "
                + "VPSR_DATABASE_URL)\n");

        // A real pool's start against a port nothing listens on: PgJDBC's message names the host and port.
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/vpsr-url-marker");
        config.setUsername("vpsr_service");
        config.setPassword("s3cret");
        config.setInitializationFailTimeout(1);
        RuntimeException refused = catchRuntimeException(() -> new HikariDataSource(config).close());
        assertThat(refused).isNotNull();

        String said = said(wrapped(refused));

        assertThat(said).isEqualTo("vps-recovery cannot start: the database (VPSR_DATABASE_URL, VPSR_DATABASE_USER) "
                + "could not be used: nothing accepted the connection at its host and port\n");
    }

    @Test
    void aDatabaseThatRefusesTheLoginSaysSoByItsSqlStateOnly() {
        RuntimeException login = new RuntimeException("Unable to obtain connection from database "
                + "(jdbc:postgresql://db:5432/vpsr-url-marker) for user 'vpsr_service'", new PSQLException(
                "FATAL: password authentication failed", PSQLState.INVALID_PASSWORD));

        assertThat(said(wrapped(login))).isEqualTo("vps-recovery cannot start: the database (VPSR_DATABASE_URL, "
                + "VPSR_DATABASE_USER) could not be used: the server refused the user or password (SQLState 28P01); "
                + "the server said: FATAL: password authentication failed; the server's log may say more (the client's "
                + "messages are not printed here: they may hold the URL)\n");
    }

    /**
     * Own-merge review (session 52): Hikari's refusal of a URL PgJDBC does not accept holds no SQLException and was
     * printed whole, URL and password; TLS failures read as "could not be made"; a privilege refused lost its schema.
     */
    @Test
    void aUrlRefusedByTheDriverATlsFailureAndAPrivilegeAreToldWithoutTheUrl() {
        RuntimeException notAccepted = new RuntimeException("Driver org.postgresql.Driver claims to not accept jdbcUrl, "
                + "jdbc:postgresql://postgres:pa/ss@db:5432/vpsr");
        assertThat(said(wrapped(notAccepted))).isEqualTo("vps-recovery cannot start: the database (VPSR_DATABASE_URL, "
                + "VPSR_DATABASE_USER) could not be used: the URL was refused (RuntimeException; its message is not "
                + "printed: it holds the URL)\n");

        // PGSimpleDataSource.setURL's refusal is an IllegalArgumentException naming the URL (ownG): not one of ours.
        assertThat(said(wrapped(new IllegalArgumentException("URL invalid jdbc:postgresql://vpsr:Ab3/x?y@db/vpsr"))))
                .contains("the URL was refused (IllegalArgumentException").doesNotContain("Ab3");

        RuntimeException tls = new RuntimeException("Unable to obtain connection from database "
                + "(jdbc:postgresql://db:5432/vpsr-url-marker)", new PSQLException("SSL error: PKIX path building failed",
                PSQLState.CONNECTION_FAILURE, new javax.net.ssl.SSLHandshakeException("PKIX path building failed")));
        assertThat(said(wrapped(tls))).contains("TLS to its server failed (SSLHandshakeException; check sslmode")
                .doesNotContain("url-marker");

        RuntimeException privilege = new RuntimeException("Unable to obtain connection from database "
                + "(jdbc:postgresql://db:5432/vpsr-url-marker)", new PSQLException(
                "ERROR: permission denied for schema vpsr", PSQLState.UNDEFINED_OBJECT));
        assertThat(said(wrapped(privilege))).contains("the server said: ERROR: permission denied for schema vpsr")
                .doesNotContain("url-marker");
    }

    private static RuntimeException wrapped(RuntimeException cause) {
        return new BeanInstantiationException("Error instantiating bean", cause);
    }

    private static String said(Throwable failure) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Application.sayWhyNotStarted(failure, new PrintStream(err, true, StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
