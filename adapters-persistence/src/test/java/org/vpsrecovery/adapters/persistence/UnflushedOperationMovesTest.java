package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/** An operation move committed unflushed (ADR 0083) keeps its setting to its own transaction, on the service's pool. */
class UnflushedOperationMovesTest {

    private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    @Test
    void anUnflushedMoveLeavesNoPooledConnectionWithTheSetting() throws SQLException {
        RecoveryOperations operations = ADAPTERS.emptied("recovery_operation", RecoveryOperations.class);
        RecoveryOperation accepted = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"),
                new RequestId("req-unflushed"), Operation.CREATE_SNAPSHOT, new ServerId(12345), Optional.empty(), AT,
                Duration.ofMinutes(30));
        operations.add(accepted);
        assertThat(operations.updateUnflushed(accepted, accepted.answerLost(AT.plusSeconds(1), "lost"))).isTrue();

        // The setting lasted for the statement's own transaction: whichever of the pool's connections ran it, none
        // keeps it for its session (the service's pool, all of it held at once; the test server's own setting is off).
        DataSource pool = PostgresAdapterFactory.pooled(ADAPTERS.emptied("recovery_operation", DataSource.class));
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(pool.getConnection());
            }
            for (Connection connection : held) {
                try (Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery(
                             "SELECT source FROM pg_settings WHERE name = 'synchronous_commit'")) {
                    rs.next();
                    assertThat(rs.getString(1)).isNotEqualTo("session");
                }
            }
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
    }
}
