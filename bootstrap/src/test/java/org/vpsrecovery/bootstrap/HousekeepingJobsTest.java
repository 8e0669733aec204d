package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.persistence.DatabaseFailure;

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
}
