package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;

/**
 * The statements docs/deploy.md gives for rolling back to a release before session 48 (ADR 0024, amended in session 48),
 * run on PostgreSQL as written there: they clear a round under way, which those releases cannot read, and leave the
 * {@code Long} they read as before.
 */
class RollbackTaskDataStatementTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Instant NOW = Instant.parse("2026-12-06T23:40:00Z");

    @Test
    void theStatementsClearOnlyTheRoundsUnderWayOfTheJobsTheyName() throws Exception {
        List<String> statements = statementsOfDeployMd();
        assertThat(statements).hasSize(2);

        Map<String, Object> back46 = after(statements.get(0), Map.of(
                ClusterJobs.RECONCILE_INTENTS, new ClusterJobs.IntentsUnderWay(42, 7),
                PolicyRunJobs.POLICY_RUNS, windowUnderWay(),
                DriftScanJobs.DRIFT_SCAN, 4200L));
        assertThat(back46.get(ClusterJobs.RECONCILE_INTENTS)).isNull();
        assertThat(back46.get(PolicyRunJobs.POLICY_RUNS)).isEqualTo(windowUnderWay());
        assertThat(back46.get(DriftScanJobs.DRIFT_SCAN)).isEqualTo(4200L);

        Map<String, Object> back45 = after(statements.get(1), Map.of(
                ClusterJobs.RECONCILE_INTENTS, 17L,
                PolicyRunJobs.POLICY_RUNS, windowUnderWay(),
                DriftScanJobs.DRIFT_SCAN, new DriftScanJobs.RoundUnderWay(7, 5),
                ClusterJobs.TRACK_OPERATIONS, new ClusterJobs.OperationsUnderWay(List.of(UUID.randomUUID()))));
        assertThat(back45.get(ClusterJobs.RECONCILE_INTENTS)).isEqualTo(17L);
        assertThat(back45.get(PolicyRunJobs.POLICY_RUNS)).isNull();
        assertThat(back45.get(DriftScanJobs.DRIFT_SCAN)).isNull();
        assertThat(back45.get(ClusterJobs.TRACK_OPERATIONS)).isInstanceOf(ClusterJobs.OperationsUnderWay.class);
    }

    private static PolicyRunJobs.WindowUnderWay windowUnderWay() {
        return new PolicyRunJobs.WindowUnderWay(NOW.minusSeconds(30), NOW, "blue", NOW.minusSeconds(86_400),
                new UUID(1, 2), 12345);
    }

    /** The jobs' rows holding {@code data}, then what they hold after {@code statement}. */
    private static Map<String, Object> after(String statement, Map<String, Serializable> data) throws SQLException {
        JavaSerializer java = new JavaSerializer();
        Map<String, Object> read = new HashMap<>();
        try (Connection connection = DATABASE.dataSource().getConnection()) {
            try (Statement clear = connection.createStatement()) {
                clear.executeUpdate("DELETE FROM scheduled_tasks");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO scheduled_tasks (task_name, "
                    + "task_instance, task_data, execution_time, picked, version) VALUES (?, 'recurring', ?, now(), false, 1)")) {
                for (Map.Entry<String, Serializable> row : data.entrySet()) {
                    insert.setString(1, row.getKey());
                    insert.setBytes(2, java.serialize(row.getValue()));
                    insert.executeUpdate();
                }
            }
            try (Statement update = connection.createStatement()) {
                update.executeUpdate(statement);
            }
            try (Statement select = connection.createStatement();
                 ResultSet rs = select.executeQuery("SELECT task_name, task_data FROM scheduled_tasks")) {
                while (rs.next()) {
                    read.put(rs.getString(1), java.deserialize(Serializable.class, rs.getBytes(2)));
                }
            }
        }
        return read;
    }

    /** deploy.md's {@code UPDATE scheduled_tasks} statements, in their order there. */
    private static List<String> statementsOfDeployMd() throws Exception {
        List<String> statements = new ArrayList<>();
        StringBuilder statement = null;
        for (String line : Files.readAllLines(Path.of("..", "docs", "deploy.md"))) {
            if (line.startsWith("UPDATE scheduled_tasks SET task_data = NULL")) {
                statement = new StringBuilder();
            }
            if (statement != null) {
                statement.append(line).append('\n');
                if (line.endsWith(";")) {
                    statements.add(statement.toString());
                    statement = null;
                }
            }
        }
        return statements;
    }
}
