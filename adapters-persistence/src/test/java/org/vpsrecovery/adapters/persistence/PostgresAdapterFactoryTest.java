package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.IdempotencyScope;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * The Micronaut wiring as the README deploys it: the pool logs in as a member of the
 * least-privilege role, Flyway migrates at start-up as the owner, the three adapters are beans.
 */
class PostgresAdapterFactoryTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    private static final String SERVICE_LOGIN = "vpsr_service_it_" + ProcessHandle.current().pid();
    private static final String SERVICE_PASSWORD = "test-only-service-password";

    @BeforeAll
    static void createTheServiceLogin() {
        PostgresServer server = PostgresServer.shared();
        // Roles are cluster-wide; the first migration anywhere may already have made vpsr_app.
        server.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vpsr_app') "
                + "THEN CREATE ROLE vpsr_app NOLOGIN; END IF; END $$");
        server.execute("DROP ROLE IF EXISTS " + SERVICE_LOGIN);
        server.execute("CREATE ROLE " + SERVICE_LOGIN + " LOGIN PASSWORD '" + SERVICE_PASSWORD + "' IN ROLE vpsr_app");
    }

    @AfterAll
    static void dropTheServiceLogin() {
        PostgresServer.shared().execute("DROP ROLE IF EXISTS " + SERVICE_LOGIN);
    }

    @Test
    void aContextMigratesAsOwnerAndServesAsTheApplicationRole() throws SQLException {
        TestDatabase database = DATABASE.database();
        // The webhook message format is the HTTP side's; bootstrap supplies it, this test a plain one.
        try (ApplicationContext context = ApplicationContext.builder().singletons(new PlainTextWebhookFormat()).properties(Map.of(
                "datasources.default.url", database.url(),
                "datasources.default.username", SERVICE_LOGIN,
                "datasources.default.password", SERVICE_PASSWORD,
                "datasources.default.driver-class-name", "org.postgresql.Driver",
                // Named apart from the DataSource: a Flyway config named "default" would also run
                // through the service's pool, as the application role, and fail.
                "flyway.datasources.owner.enabled", true,
                "flyway.datasources.owner.url", database.url(),
                "flyway.datasources.owner.user", database.user(),
                "flyway.datasources.owner.password", database.password(),
                "vpsr.server-lock.max-wait", "2s")).start()) {

            AuditHistory history = context.getBean(AuditHistory.class);
            history.append(new AuditEvent(Instant.now(), new TeamId("blue"), RequestId.random(),
                    Operation.CREATE_MANUAL_BACKUP, Optional.of(new ServerId(5)), Optional.empty(),
                    new Outcome.Accepted(), OptionalInt.empty(), Map.of()));

            assertThat(history).isInstanceOf(JdbcAuditHistory.class);
            try (Connection connection = PostgresAdapterFactory.pooled(context.getBean(DataSource.class)).getConnection()) {
                assertThat(connection.getMetaData().getUserName()).isEqualTo(SERVICE_LOGIN);
            }
            assertThat(history.verifyChain()).isInstanceOf(ChainVerification.Intact.class);
            ServerLock requests = context.getBean(ServerLock.class);
            assertThat(requests.callExclusively(new ServerId(5), () -> "locked")).isEqualTo("locked");
            // The trackers' following lock is a bean of its own that never keeps a request out (ADR 0057).
            ServerLock following = context.getBean(ServerLock.class, Qualifiers.byName(PostgresAdapterFactory.FOLLOWING_LOCK));
            assertThat(following).isNotSameAs(requests);
            assertThat(following.callExclusively(new ServerId(5),
                    () -> requests.callExclusively(new ServerId(5), () -> "both held"))).isEqualTo("both held");
            assertThat(context.getBean(IdempotencyRecords.class).begin(new IdempotencyKey("k-1"), IdempotencyScope.of(new TeamId("blue")),
                    RequestFingerprint.of("POST", "/api/v1/backups/", "{}".getBytes(StandardCharsets.UTF_8)),
                    new org.vpsrecovery.domain.idempotency.Lease(org.vpsrecovery.domain.operation.OperationId.random(),
                            Instant.now().plus(1, ChronoUnit.MINUTES)),
                    Instant.now().plus(1, ChronoUnit.DAYS))).isEqualTo(new BeginResult.Started());
        }
    }

    /**
     * The owner's migration sessions carry the pool's bounds, lock_timeout first: a migration's statement without its
     * own SET LOCAL lock_timeout behind a long transaction ends with a bounded error instead of queueing without end,
     * every session needing its table queued behind it (ADR 0023, amended in session 55). As the owner's own login.
     */
    @Test
    void theOwnersMigrationSessionsAreBoundedAsThePoolsAreInTheOwnersLogin(@TempDir Path seen) throws Exception {
        Files.writeString(seen.resolve("V9000__seen.sql"), "CREATE TABLE migration_session_seen AS SELECT"
                + " current_setting('lock_timeout') AS lock_timeout,"
                + " current_setting('idle_in_transaction_session_timeout') AS idle, current_user::text AS login,"
                + " current_setting('application_name') AS application;\n");
        TestDatabase unmigrated = PostgresServer.shared().createDatabase();
        // The owner's URL carries what the pool's lacks, so a migration run on the pool's URL shows (review of session 55).
        String ownersUrl = unmigrated.url() + (unmigrated.url().contains("?") ? "&" : "?") + "ApplicationName=vpsr-owner";
        try {
            try (ApplicationContext context = ApplicationContext.builder().singletons(new PlainTextWebhookFormat())
                    .properties(Map.of(
                            "datasources.default.url", unmigrated.url(),
                            "datasources.default.username", SERVICE_LOGIN,
                            "datasources.default.password", SERVICE_PASSWORD,
                            "datasources.default.driver-class-name", "org.postgresql.Driver",
                            "flyway.datasources.owner.enabled", true,
                            "flyway.datasources.owner.url", ownersUrl,
                            "flyway.datasources.owner.user", unmigrated.user(),
                            "flyway.datasources.owner.password", unmigrated.password(),
                            "flyway.datasources.owner.locations",
                                    "classpath:db/migration,filesystem:" + seen.toAbsolutePath(),
                            "vpsr.database.lock-timeout", "1500ms")).start()) {
                assertThat(context.getBean(AuditHistory.class)).isInstanceOf(JdbcAuditHistory.class);
            }
            assertThat(unmigrated.strings("SELECT lock_timeout FROM migration_session_seen"))
                    .as("the pool's lock bound, not none").containsExactly("1500ms");
            assertThat(unmigrated.strings("SELECT idle FROM migration_session_seen"))
                    .as("lifted, as for the service's own migration").containsExactly("0");
            assertThat(unmigrated.strings("SELECT login FROM migration_session_seen")).containsExactly(unmigrated.user());
            assertThat(unmigrated.strings("SELECT application FROM migration_session_seen"))
                    .as("the owner's own URL, not the pool's").containsExactly("vpsr-owner");
        } finally {
            unmigrated.drop();
        }
    }
}
