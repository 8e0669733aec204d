package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.webhook.WebhookRows;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;
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

    private static final TeamId TEAM = new TeamId("team-a");
    private static final ServerId SERVER = new ServerId(12345);
    private static final ResourceRef POINT = new ResourceRef(ResourceRef.Type.SNAPSHOT, 801);
    private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

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
        assertUnavailable(() -> holds.activeCountOn(java.util.Set.of(new ServerId(12345)), HoldKind.TEAM));
        assertUnavailable(() -> operations.about(List.of(new ResourceRef(ResourceRef.Type.SNAPSHOT, 801))));
        assertUnavailable(() -> drifts.page(DriftFilter.everything(), OptionalLong.empty(), 10));
        assertUnavailable(() -> reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 10));
        assertUnavailable(() -> reports.summarize(new SummaryQuery(Optional.empty(),
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-08T00:00:00Z"), SummaryBucket.DAY, 10, false)));

        // Session 40: the policies', pending changes' and webhooks' reads (GET, and the look-ups PUT, DELETE, an
        // approval and a webhook's create make first), and what a delete's or restore's check and GET /servers/{id}/ read.
        RecoveryPolicies policies = context.getBean(RecoveryPolicies.class);
        PendingChanges changes = context.getBean(PendingChanges.class);
        WebhookRows webhooks = context.getBean(WebhookRows.class);
        assertUnavailable(() -> policies.find(TEAM, PolicyId.random()));
        assertUnavailable(() -> policies.list(TEAM, Optional.empty(), 10));
        assertUnavailable(() -> policies.count(TEAM));
        assertUnavailable(() -> changes.find(new OperationId(UUID.randomUUID())));
        assertUnavailable(() -> webhooks.find(TEAM, WebhookSubscriptionId.random()));
        assertUnavailable(() -> webhooks.list(TEAM));
        assertUnavailable(() -> webhooks.count(TEAM));
        assertUnavailable(() -> webhooks.log(WebhookSubscriptionId.random(), 10));
        assertUnavailable(() -> operations.liveRestores(Optional.of(SERVER), Optional.empty(), AT));
        assertUnavailable(() -> operations.liveRestoresOfServerOrPoint(SERVER, POINT, AT));
        assertUnavailable(() -> operations.findAll(List.of(new OperationId(UUID.randomUUID()))));
        assertUnavailable(() -> holds.heldAmong(List.of(POINT)));
    }

    /** A write the pool gave no connection for did nothing: the domain's PlatformUnavailable, a 503 (session 40). */
    @Test
    void theRequestPathsWritesAreThePlatformUnavailableWhenNoConnectionComes() {
        RecoveryOperations operations = context.getBean(RecoveryOperations.class);
        RecoveryPointHolds holds = context.getBean(RecoveryPointHolds.class);
        RecoveryPolicies policies = context.getBean(RecoveryPolicies.class);

        RecoveryOperation accepted = RecoveryOperation.accepted(new OperationId(UUID.randomUUID()), TEAM,
                new RequestId("req-1"), Operation.CREATE_SNAPSHOT, SERVER, Optional.empty(), AT, Duration.ofMinutes(30));
        assertUnavailable(() -> operations.update(accepted, accepted.answerLost(AT.plusSeconds(1), "lost")));
        RecoveryPointHold placed = RecoveryPointHold.place(new HoldId(UUID.randomUUID()), TEAM, SERVER, POINT,
                new HoldReason("incident 42"), new HoldActor.Team(TEAM), AT);
        assertUnavailable(() -> holds.release(placed.releasedBy(new HoldActor.Team(TEAM), AT.plusSeconds(1))));
        PolicySpec nightly = new PolicySpec(PolicyServers.everyOwned(), PolicyKind.SNAPSHOT,
                new PolicySchedule("0 3 * * *", ZoneId.of("UTC")), new NameTemplate("nightly-{server_id}-{date}-{time}"),
                RetentionRules.keepAll());
        RecoveryPolicy policy = RecoveryPolicy.created(PolicyId.random(), TEAM, nightly, AT);
        assertUnavailable(() -> policies.update(policy, policy.replacedBy(policy.spec(), AT.plusSeconds(1))));
        assertUnavailable(() -> policies.remove(policy));
    }

    /**
     * A write whose connection was lost during it may have been committed: not said not done (a PlatformUnavailable
     * a caller would record as a final FAILED), but left as it was, for the callers' unknown path; a read so lost is
     * unavailable. A write PostgreSQL refused to connect for is not done.
     */
    @Test
    void aWriteWhoseConnectionWasLostDuringItStaysAFailureOfNoDomainType() {
        RuntimeException lost = new RuntimeException(new org.postgresql.util.PSQLException(
                "An I/O error occurred while sending to the backend", org.postgresql.util.PSQLState.CONNECTION_FAILURE));
        assertThatThrownBy(() -> DatabaseOutOfReach.write("move the operation", (Supplier<Object>) () -> {
            throw lost;
        })).isSameAs(lost);
        assertUnavailable(() -> DatabaseOutOfReach.read("read the operation", () -> {
            throw lost;
        }));
        RuntimeException refused = new RuntimeException(new org.postgresql.util.PSQLException("connection refused",
                org.postgresql.util.PSQLState.CONNECTION_UNABLE_TO_CONNECT));
        assertUnavailable(() -> DatabaseOutOfReach.write("move the operation", (Supplier<Object>) () -> {
            throw refused;
        }));
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
