package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * The reads of the request paths when the pool has no connection to give within its wait (every connection busy,
 * or PostgreSQL failing over): the domain's PlatformUnavailable, which the facade answers 503 with Retry-After,
 * not an untyped failure answered 500 (session 38).
 */
class DatabaseOutOfReachTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private ApplicationContext context;
    private Connection theOnlyConnection;

    @BeforeEach
    void everyConnectionTaken() throws SQLException {
        context = ApplicationContext.builder().singletons(new PlainTextWebhookFormat()).properties(Map.of(
                "datasources.default.url", DATABASE.database().url(),
                "datasources.default.username", DATABASE.database().user(),
                "datasources.default.password", DATABASE.database().password(),
                "datasources.default.dialect", "POSTGRES",
                "datasources.default.maximum-pool-size", 1,
                "datasources.default.minimum-idle", 1,
                // HikariCP's shortest wait: the service's is 5 s.
                "datasources.default.connection-timeout", 250,
                "flyway.datasources.default.enabled", false)).start();
        theOnlyConnection = PostgresAdapterFactory.pooled(context.getBean(DataSource.class)).getConnection();
    }

    @AfterEach
    void closed() throws SQLException {
        theOnlyConnection.close();
        context.close();
    }

    @Test
    void theRequestPathsReadsAreThePlatformUnavailableWhenNoConnectionComes() {
        RecoveryOperations operations = context.getBean(RecoveryOperations.class);
        RecoveryPointHolds holds = context.getBean(RecoveryPointHolds.class);
        DriftRecords drifts = context.getBean(DriftRecords.class);
        AuditReports reports = context.getBean(AuditReports.class);

        assertUnavailable(() -> operations.find(new OperationId(UUID.randomUUID())));
        assertUnavailable(() -> operations.list(Optional.empty(), Optional.empty(), Optional.empty(), 10));
        assertUnavailable(() -> operations.listNotFinal(Optional.empty(), 10));
        assertUnavailable(() -> holds.page(new ResourceRef(ResourceRef.Type.SNAPSHOT, 801), Optional.empty(), 10));
        assertUnavailable(() -> holds.activeOn(new ResourceRef(ResourceRef.Type.SNAPSHOT, 801)));
        // A placement's reads under the point's lock (session 38, review).
        assertUnavailable(() -> holds.activeCount(new TeamId("team-a"), HoldKind.TEAM));
        assertUnavailable(() -> operations.about(List.of(new ResourceRef(ResourceRef.Type.SNAPSHOT, 801))));
        assertUnavailable(() -> drifts.page(DriftFilter.everything(), OptionalLong.empty(), 10));
        assertUnavailable(() -> reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 10));
        assertUnavailable(() -> reports.summarize(new SummaryQuery(Optional.empty(),
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-08T00:00:00Z"), SummaryBucket.DAY, 10, false)));
    }

    @Test
    void aFailureOfTheStatementItselfStaysAFailureOfNoDomainType() {
        RuntimeException syntax = new RuntimeException(new org.postgresql.util.PSQLException("syntax error",
                org.postgresql.util.PSQLState.SYNTAX_ERROR));
        assertThat(DatabaseFailure.of("read audit events", syntax)).isInstanceOf(DatabaseFailure.class);
        RuntimeException refused = new RuntimeException(new org.postgresql.util.PSQLException("connection refused",
                org.postgresql.util.PSQLState.CONNECTION_UNABLE_TO_CONNECT));
        assertThat(DatabaseFailure.of("read audit events", refused)).isInstanceOf(PlatformUnavailable.class);
    }

    private static void assertUnavailable(Runnable read) {
        assertThatThrownBy(read::run).isInstanceOf(PlatformUnavailable.class)
                .satisfies(e -> assertThat(((PlatformUnavailable) e).retryAfter()).isPositive())
                .hasMessageContaining("try again shortly");
    }
}
