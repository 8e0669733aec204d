package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.persistence.DatabaseFailure;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditHistory;

/**
 * How the flush's WARN names why audit events wait (ADR 0141, amended in session 50): a history that refuses appends (a
 * trigger, a constraint: the database answered) and one out of reach call for different hands, so the line tells them
 * apart by the driver's state, and carries the failure's class and message on one line.
 */
class HousekeepingJobsTest {

    @Test
    void aTriggersRefusalIsSaidToRefuseWithTheDatabasesWords() {
        String said = HousekeepingJobs.described(new DatabaseFailure("could not append the audit event: ERROR: no appends",
                new SQLException("ERROR: no appends\n  Where: PL/pgSQL function", "P0001")));

        assertThat(said).startsWith("the audit history refuses appends: DatabaseFailure: could not append the audit "
                + "event: ERROR: no appends").doesNotContain("\n");
    }

    @Test
    void aLostConnectionIsSaidToBeUnavailableWithItsCause() {
        String said = HousekeepingJobs.described(new DatabaseFailure("could not append the audit event",
                new SQLException("An I/O error occurred while sending to the backend.", "08006")));

        assertThat(said).startsWith("the audit history is unavailable")
                .contains("DatabaseFailure: could not append the audit event",
                        "caused by SQLException: An I/O error occurred while sending to the backend.");
    }

    @Test
    void aRefusedRowIsNotQuotedItsConstraintIs() {
        String said = HousekeepingJobs.described(new DatabaseFailure("could not append the audit event",
                new SQLException("ERROR: new row for relation \"audit_event\" violates check constraint \"x\"\n"
                        + "  Detail: Failing row contains (42, blue, alice@example.com, {}).", "23514")));

        assertThat(said).contains("violates check constraint \"x\"").doesNotContain("alice@example.com", "Failing row");
    }

    /**
     * A pool's timeout carries its counts and waits, new at every failure: still one cause, said once a minute, not at
     * every flush; another cause is said at once (ADR 0141, amended in session 51).
     */
    @Test
    void aPoolTimeoutWhoseNumbersChangeIsOneCause() {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        HousekeepingJobs jobs = new HousekeepingJobs(new AuditWriter(DOWN), Duration.ofSeconds(2), nanos::get);

        List<String> said = warned(() -> {
            jobs.warnWaiting(3, Optional.of(poolTimeout(5001, 3)));
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            jobs.warnWaiting(4, Optional.of(poolTimeout(5004, 12)));
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            jobs.warnWaiting(4, Optional.of(new DatabaseFailure("could not append the audit event",
                    new SQLException("ERROR: no appends", "P0001"))));
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            jobs.warnWaiting(5, Optional.of(poolTimeout(5002, 7)));
        });

        assertThat(said).hasSize(3);
        assertThat(said.get(0)).contains("request timed out after 5001ms", "waiting=3", "3 event(s) wait");
        assertThat(said.get(1)).contains("ERROR: no appends");
        assertThat(said.get(2)).contains("request timed out after 5002ms");
    }

    /** As Hikari says a connection not given within its timeout. */
    private static DatabaseFailure poolTimeout(long waitedMillis, int waiting) {
        return new DatabaseFailure("could not append the audit event", new SQLTransientConnectionException(
                "HikariPool-1 - Connection is not available, request timed out after " + waitedMillis
                        + "ms (total=10, active=10, idle=0, waiting=" + waiting + ")", "08001"));
    }

    /** The WARN lines {@link HousekeepingJobs} logged while {@code action} ran. */
    private static List<String> warned(Runnable action) {
        return LoggedWarnings.of(HousekeepingJobs.class, action);
    }

    /** A history that takes no appends: the flush's WARN is what is tested, not the flush. */
    private static final AuditHistory DOWN = new AuditHistory() {
        @Override
        public RecordedAuditEvent append(AuditEvent event) {
            throw new IllegalStateException("database unavailable");
        }

        @Override
        public List<RecordedAuditEvent> query(AuditQuery query) {
            throw new IllegalStateException("database unavailable");
        }

        @Override
        public List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit) {
            throw new IllegalStateException("database unavailable");
        }

        @Override
        public ChainVerification verifyChain() {
            throw new IllegalStateException("database unavailable");
        }
    };
}
