package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.port.contract.AuditReportsContract;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/** The contract against PostgreSQL, through the adapters as the service wires them. */
class JdbcAuditReportsContractTest extends AuditReportsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Override
    protected Subject emptySubject() {
        ApplicationContext context = contexts.on(DATABASE.anotherMigrated());
        return new Subject(context.getBean(AuditHistory.class), context.getBean(AuditReports.class));
    }

    /**
     * A summary whose period starts and ends mid-day reads those partial days from the events. V47 dropped every index
     * by time (ADR 0101), so that read must be a range of the primary key, the days' sequences (V39, V46): asked as the
     * service asks, its statement reaches its generic plan, and that plan reads the key. By time alone it would read
     * every event of the history for each summary.
     */
    @Test
    void aSummarysPartialDaysOnTheirGenericPlanReadARangeOfSequences() throws SQLException {
        TestDatabase fresh = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.onOneConnection(fresh);
        AuditHistory history = context.getBean(AuditHistory.class);
        AuditReports reports = context.getBean(AuditReports.class);
        Instant midnight = Instant.parse("2026-03-10T00:00:00Z");
        for (int i = 0; i < 72; i++) {
            history.append(new AuditEvent(midnight.plus(Duration.ofHours(i)), new TeamId(i % 2 == 0 ? "blue" : "green"),
                    new RequestId("s" + i), Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(800)), Optional.empty(),
                    new Outcome.Accepted(), OptionalInt.empty(), Map.of()));
        }
        fresh.execute("ANALYZE audit_event");
        // 13:00 on the first day to 09:00 on the third: 11 + 24 + 9 events, the whole middle day from its counts.
        SummaryQuery query = new SummaryQuery(Optional.empty(), midnight.plus(Duration.ofHours(13)),
                midnight.plus(Duration.ofHours(57)), SummaryBucket.DAY, 10, true);
        for (int ask = 0; ask < 12; ask++) {
            AuditSummary summary = reports.summarize(query);
            assertThat(summary.counts().stream().mapToLong(AuditSummary.Count::events).sum()).as("ask %d", ask)
                    .isEqualTo(44);
        }
        String prepared = GenericPlans.preparedOnItsGenericPlan(context, "occurred_at >=");
        assertThat(prepared).as("the partial days' statement, on its generic plan").isNotNull();
        // By time alone, the plan walks a whole index filtering the times (every event of the history).
        assertThat(GenericPlans.genericPlan(fresh, prepared)).contains("audit_event_pkey")
                .contains("Index Cond: ((sequence >= audit_sequence_from($1)) AND (sequence <= audit_sequence_up_to($2)))");
    }
}
