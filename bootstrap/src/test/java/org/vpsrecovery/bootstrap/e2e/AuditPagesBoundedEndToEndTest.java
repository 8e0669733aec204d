package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Pages of audit events take a slot of their reader's, never waited for (ADR 0062, session 56): over real HTTP and a real
 * PostgreSQL, an auditor's pages held in the database (its event table locked by another session), one more page is
 * answered at once 429 AUDIT_READS_BUSY with Retry-After, and a team's request is served meanwhile. Before, every page
 * went on to the pool: an overload review's 512 at once starved every team (session 56).
 */
class AuditPagesBoundedEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            PlatformOnSimulator.NO_BACKGROUND_TRACKING);

    /** The default share of one reader (vpsr.audit.pages.per-reader). */
    private static final int PER_READER = 2;

    @Test
    void anAuditorsPagePastItsShareIsRefusedAtOnceWhileATeamIsServed() throws Exception {
        MeterRegistry registry = SETUP.platform().context.getBean(MeterRegistry.class);
        // The pool itself, not Micronaut's connection-per-transaction proxy: the lock's session is this test's own.
        DataSource database = SETUP.platform().context.getBean(DataSource.class).unwrap(com.zaxxer.hikari.HikariDataSource.class);
        ExecutorService readers = Executors.newFixedThreadPool(PER_READER);
        try (Connection lock = database.getConnection()) {
            lock.setAutoCommit(false);
            List<Future<Answer>> held = new ArrayList<>();
            try (Statement statement = lock.createStatement()) {
                // Every read of the events waits for this session's transaction: the pages hold their slots meanwhile.
                statement.execute("LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE");
                for (int i = 0; i < PER_READER; i++) {
                    held.add(readers.submit(() -> SETUP.platform().send("GET", "/api/v1/audit/events/?limit=500",
                            AUDITOR_TOKEN, null)));
                }
                // The jobs' own reads of the events (pending intents) may wait on the lock too: the pages are the gauge's.
                await().atMost(Duration.ofSeconds(30)).until(() -> pagesInUse(registry) == PER_READER
                        && readsWaitingForTheLock(database) >= PER_READER);

                Answer extra = SETUP.platform().send("GET", "/api/v1/audit/events/?limit=500", AUDITOR_TOKEN, null);
                assertThat(extra.status()).as(extra.raw().body()).isEqualTo(429);
                assertThat(extra.body()).containsEntry("reason_code", "AUDIT_READS_BUSY");
                assertThat(extra.raw().headers().firstValue("Retry-After")).contains("1");
                assertThat(pagesInUse(registry)).isEqualTo(PER_READER);

                Answer team = SETUP.platform().send("GET", "/api/v1/servers/12345/", DEMO_TOKEN, null);
                assertThat(team.status()).as(team.raw().body()).isEqualTo(200);
            } finally {
                lock.rollback();
            }
            for (Future<Answer> page : held) {
                page.get(); // 200, or 503 if the page's own lock wait ran out first: either way its slot is given back
            }
        } finally {
            readers.shutdownNow();
        }
        assertThat(pagesInUse(registry)).isZero();
        Answer next = SETUP.platform().send("GET", "/api/v1/audit/events/?limit=500", AUDITOR_TOKEN, null);
        assertThat(next.status()).as(next.raw().body()).isEqualTo(200);
    }

    /** Sessions waiting for the lock on the events: the pages under way, each holding a pooled connection. */
    private static int readsWaitingForTheLock(DataSource database) throws java.sql.SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted "
                     + "AND relation = 'audit_event'::regclass")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static double pagesInUse(MeterRegistry registry) {
        return registry.get("vpsr.audit.pages.in_use").gauge().value();
    }
}
