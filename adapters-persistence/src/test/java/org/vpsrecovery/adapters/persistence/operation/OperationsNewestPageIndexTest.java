package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.genericPlan;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.plan;

import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
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
import org.vpsrecovery.adapters.persistence.testing.GenericPlans;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The list of operations (GET /api/v1/operations/, ADR 0024 amended in session 52) reads V73's indexes in its order: on
 * the generic plans each of its twelve prepared statements comes to, and on a table of many teams' operations, most long
 * ended, where the planner may choose as it likes.
 */
class OperationsNewestPageIndexTest {

    private static final Instant T0 = Instant.parse("2026-12-06T06:00:00Z");
    /** Often enough for the driver to prepare the statement and the server to settle on its generic plan. */
    private static final int FETCHES_TO_ITS_GENERIC_PLAN = 12;
    private static final TeamId BLUE = new TeamId("blue");
    private static final ServerId WEB = new ServerId(12345);

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void eachOfTheListsStatementsOnItsGenericPlanReadsItsIndexInOrderWithoutASort() throws SQLException {
        TestDatabase fresh = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.onOneConnection(fresh);
        RecoveryOperations operations = context.getBean(RecoveryOperations.class);
        List<RecoveryOperation> blueOnWeb = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean blue = i % 4 != 0;
            RecoveryOperation operation = RecoveryOperation.accepted(OperationId.random(), blue ? BLUE : new TeamId("red"),
                    new RequestId("req-" + i), Operation.CREATE_SNAPSHOT, blue ? WEB : new ServerId(777), Optional.empty(),
                    T0.plusSeconds(i), Duration.ofMinutes(30));
            operations.add(operation);
            if (blue) {
                blueOnWeb.add(0, operation);
            }
        }
        fresh.execute("ANALYZE recovery_operation");

        Optional<OperationState> accepted = Optional.of(OperationState.ACCEPTED);
        Optional<RecoveryOperation> fifth = Optional.of(blueOnWeb.get(4));
        List<RecoveryOperation> firstFive = blueOnWeb.subList(0, 5);
        List<RecoveryOperation> nextFive = blueOnWeb.subList(5, 10);
        for (int fetch = 0; fetch < FETCHES_TO_ITS_GENERIC_PLAN; fetch++) {
            for (Optional<OperationState> state : List.of(Optional.<OperationState>empty(), accepted)) {
                for (Optional<TeamId> team : List.of(Optional.of(BLUE), Optional.<TeamId>empty())) {
                    assertThat(operations.newestFirst(team, Optional.of(WEB), state, Optional.empty(), 5))
                            .containsExactlyElementsOf(firstFive);
                    assertThat(operations.newestFirst(team, Optional.of(WEB), state, fifth, 5))
                            .containsExactlyElementsOf(nextFive);
                }
                assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), state, Optional.empty(), 5))
                        .containsExactlyElementsOf(firstFive);
                assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), state, fifth, 5))
                        .containsExactlyElementsOf(nextFive);
                assertThat(operations.newestFirst(Optional.empty(), Optional.empty(), state, Optional.empty(), 5))
                        .hasSize(5);
                assertThat(operations.newestFirst(Optional.empty(), Optional.empty(), state, fifth, 5)).hasSize(5);
            }
        }
        List<String> statements = GenericPlans.preparedOnTheirGenericPlans(context, "ORDER BY accepted_at DESC, id DESC");
        assertThat(statements).as("the list's twelve statements, on their generic plans").hasSize(12);
        for (String statement : statements) {
            String plan = genericPlan(fresh, statement);
            assertThat(plan).as(statement).contains("Index Scan using " + indexOf(statement)).doesNotContain("Sort");
            if (statement.contains("<")) {
                // The cursor is a condition of the index: the scan starts at it, never reading the newer rows.
                assertThat(plan).as(statement).containsPattern("Index Cond: .*\\(ROW\\(accepted_at, id\\) <");
            }
        }
    }

    /** The V73 index a statement's own conditions are the prefix of. */
    private static String indexOf(String statement) {
        String scope = statement.contains("server_id =") ? "server_" : statement.contains("team =") ? "team_" : "";
        return "recovery_operation_" + scope + (statement.contains("state =") ? "state_" : "") + "newest";
    }

    @Test
    void onATableOfManyTeamsMostlyEndedAStatesPageReadsItsIndexAndOnlyItsOwnRows() throws SQLException {
        TestDatabase fresh = DATABASE.anotherMigrated();
        // 50 000 operations of 50 teams (a server each), long completed; team-7 has 4 failed among its 1 000.
        fresh.execute("""
                INSERT INTO recovery_operation (id, team, request_id, kind, server_id, state, accepted_at, updated_at,
                    deadline, next_check_at, checks, version)
                SELECT gen_random_uuid(), 'team-' || (i % 50), 'r-' || i, 'CREATE_SNAPSHOT', 1000 + i % 50,
                    CASE WHEN i % 50 = 7 AND i > 49800 THEN 'failed' ELSE 'completed' END,
                    ts, ts, ts + interval '30 minutes', ts, 1, 2
                FROM generate_series(1, 50000) AS i, LATERAL (SELECT timestamptz '2026-01-01' + i * interval '1 minute') AS t(ts)""");
        fresh.execute("ANALYZE recovery_operation");

        String teamsFailed = plan(fresh, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM recovery_operation "
                + "WHERE team = 'team-7' AND state = 'failed' ORDER BY accepted_at DESC, id DESC LIMIT 101");
        // V73's (team, state, newest) index in order, or V53's partial index of the few ended-not-completed rows, then
        // a sort of those four: the planner takes either on one ANALYZE sample or another (a CI of session 56); both
        // read only the team's four failed rows, never the 50 000 completed ones.
        if (teamsFailed.contains("Index Scan using recovery_operation_due_in")) {
            assertThat(teamsFailed).containsPattern("Index Scan using recovery_operation_due_in[^\\n]*rows=4(\\.00)? loops=1");
        } else {
            assertThat(teamsFailed).contains("Index Scan using recovery_operation_team_state_newest").doesNotContain("Sort")
                    .containsPattern("rows=4(\\.00)? loops=1");
        }
        String teamsLaterPage = plan(fresh, "EXPLAIN (COSTS OFF) SELECT * FROM recovery_operation WHERE team = 'team-7' "
                + "AND (accepted_at, id) < (timestamptz '2026-01-20', 'ffffffff-ffff-ffff-ffff-ffffffffffff') "
                + "ORDER BY accepted_at DESC, id DESC LIMIT 101");
        assertThat(teamsLaterPage).contains("Index Scan using recovery_operation_team_newest").doesNotContain("Sort");
        String serversFailed = plan(fresh, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM recovery_operation "
                + "WHERE server_id = 1007 AND state = 'failed' AND team = 'team-7' "
                + "ORDER BY accepted_at DESC, id DESC LIMIT 101");
        assertThat(serversFailed).contains("Index Scan using recovery_operation_server_state_newest")
                .doesNotContain("Sort").containsPattern("rows=4(\\.00)? loops=1");
        String everyTeamsFailed = plan(fresh, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM recovery_operation "
                + "WHERE state = 'failed' ORDER BY accepted_at DESC, id DESC LIMIT 101");
        assertThat(everyTeamsFailed).contains("Index Scan using recovery_operation_state_newest").doesNotContain("Sort")
                .containsPattern("rows=4(\\.00)? loops=1");
        String everyTeamsLaterPage = plan(fresh, "EXPLAIN (COSTS OFF) SELECT * FROM recovery_operation "
                + "WHERE (accepted_at, id) < (timestamptz '2026-01-20', 'ffffffff-ffff-ffff-ffff-ffffffffffff') "
                + "ORDER BY accepted_at DESC, id DESC LIMIT 101");
        assertThat(everyTeamsLaterPage).contains("Index Scan using recovery_operation_newest").doesNotContain("Sort");
    }

}
