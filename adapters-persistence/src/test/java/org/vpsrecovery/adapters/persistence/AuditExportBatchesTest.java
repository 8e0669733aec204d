package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditReports;

/**
 * The export's keyset batches (ADR 0053: a team as a one-value range, ordered by team and sequence) read
 * every matching event once, newest first, across several batches of {@link JdbcAuditReports#STREAM_BATCH}.
 */
class AuditExportBatchesTest {

    private static final int EVENTS = 4 * JdbcAuditReports.STREAM_BATCH + 600;

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private AuditReports reports;

    @BeforeEach
    void storeEventsOfThreeTeams() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        String hash = HexFormat.of().formatHex(new byte[32]);
        // blue every third event, green and red the rest; CREATE_SNAPSHOT every other event.
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO audit_event (sequence, occurred_at, team, request_id, operation, outcome_kind, "
                    + "previous_hash, hash) SELECT n, timestamptz '2026-03-01 00:00:00Z' + n * interval '1 minute', "
                    + "CASE WHEN n % 3 = 0 THEN 'blue' WHEN n % 3 = 1 THEN 'green' ELSE 'red' END, 'r-' || n, "
                    + "CASE WHEN n % 2 = 0 THEN 'CREATE_SNAPSHOT' ELSE 'DELETE_SNAPSHOT' END, 'ACCEPTED', "
                    + "decode('" + hash + "', 'hex'), decode('" + hash + "', 'hex') FROM generate_series(1, " + EVENTS + ") n");
        }
        reports = contexts.on(database).getBean(AuditReports.class);
    }

    @Test
    void oneTeamsExportReadsEachOfItsEventsOnceNewestFirst() {
        List<Long> green = LongStream.iterate(EVENTS, n -> n > 0, n -> n - 1).filter(n -> n % 3 == 1).boxed().toList();
        assertThat(green).hasSizeGreaterThan(JdbcAuditReports.STREAM_BATCH);
        assertThat(exported(AuditEventFilter.everything().forTeam(new TeamId("green")))).containsExactlyElementsOf(green);
    }

    @Test
    void aTeamAndAnOperationAndNoTeamAtAllToo() {
        List<Long> blueCreates = LongStream.iterate(EVENTS, n -> n > 0, n -> n - 1).filter(n -> n % 6 == 0).boxed().toList();
        assertThat(exported(AuditEventFilter.everything().forTeam(new TeamId("blue"))
                .withOperation(Operation.CREATE_SNAPSHOT))).containsExactlyElementsOf(blueCreates);
        assertThat(exported(AuditEventFilter.everything()))
                .containsExactlyElementsOf(LongStream.iterate(EVENTS, n -> n > 0, n -> n - 1).boxed().toList());
        assertThat(exported(AuditEventFilter.everything().forTeam(new TeamId("nobody")))).isEmpty();
    }

    private List<Long> exported(AuditEventFilter filter) {
        List<Long> sequences = new ArrayList<>();
        try (AuditEventStream stream = reports.stream(filter)) {
            stream.forEachRemaining(event -> sequences.add(event.sequence()));
        }
        return sequences;
    }
}
