package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;

/** The Micronaut wiring: Hikari from datasources.default, Flyway at start-up, the three adapters as beans. */
class PostgresAdapterFactoryTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    @Test
    void aContextMigratesTheDatabaseAndProvidesTheAdapters() {
        TestDatabase database = DATABASE.database();
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "datasources.default.url", database.url(),
                "datasources.default.username", database.user(),
                "datasources.default.password", database.password(),
                "datasources.default.driver-class-name", "org.postgresql.Driver",
                "flyway.datasources.default.enabled", true,
                "vpsr.server-lock.max-wait", "2s"))) {

            AuditHistory history = context.getBean(AuditHistory.class);
            history.append(new AuditEvent(Instant.now(), new TeamId("blue"), RequestId.random(),
                    Operation.CREATE_MANUAL_BACKUP, Optional.of(new ServerId(5)), Optional.empty(),
                    new Outcome.Accepted(), OptionalInt.empty(), Map.of()));

            assertThat(history).isInstanceOf(JdbcAuditHistory.class);
            assertThat(history.verifyChain()).isInstanceOf(ChainVerification.Intact.class);
            assertThat(context.getBean(ServerLock.class).callExclusively(new ServerId(5), () -> "locked"))
                    .isEqualTo("locked");
            assertThat(context.getBean(IdempotencyRecords.class).begin(new IdempotencyKey("k-1"), new TeamId("blue"),
                    RequestFingerprint.of("POST", "/api/v1/backups/", "{}".getBytes(StandardCharsets.UTF_8)),
                    Instant.now().plus(1, ChronoUnit.DAYS))).isEqualTo(new BeginResult.Started());
        }
    }
}
