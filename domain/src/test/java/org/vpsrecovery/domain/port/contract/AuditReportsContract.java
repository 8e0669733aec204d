package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.RecoveryActivity;
import org.vpsrecovery.domain.report.RestoreRequested;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/**
 * What every {@link AuditReports} must answer, run against the in-memory reference and the
 * PostgreSQL adapter. Each test starts from an empty history written through {@link AuditHistory}.
 */
public abstract class AuditReportsContract {

    /** A history to write to and the reports that read it. */
    public record Subject(AuditHistory history, AuditReports reports) {
    }

    protected static final Instant T0 = Instant.parse("2026-01-30T22:00:00Z");
    protected static final TeamId BLUE = new TeamId("blue");
    protected static final TeamId GREEN = new TeamId("green");
    protected static final ServerId WEB = new ServerId(12345);
    protected static final ServerId DB = new ServerId(12346);
    protected static final ServerId GREEN_SERVER = new ServerId(23456);

    private AuditHistory history;
    private AuditReports reports;

    protected abstract Subject emptySubject();

    @BeforeEach
    void fresh() {
        Subject subject = emptySubject();
        history = subject.history();
        reports = subject.reports();
    }

    private RecordedAuditEvent append(TeamId team, String request, Instant at, Operation operation, ServerId server,
                                      Outcome outcome) {
        return history.append(new AuditEvent(at, team, new RequestId(request), operation, Optional.of(server),
                Optional.empty(), outcome, OptionalInt.empty(), Map.of("description", "a, \"quoted\"\nline")));
    }

    private void restoreEvent(TeamId team, String attempt, Instant at, Outcome outcome) {
        history.append(new AuditEvent(at, team, new RequestId("r-" + attempt), Operation.RESTORE_SNAPSHOT,
                Optional.of(WEB), Optional.empty(), outcome, OptionalInt.empty(), Map.of("attempt_id", attempt)));
    }

    /** Ten events over two teams, three servers, two days and two months. */
    private List<RecordedAuditEvent> seed() {
        List<RecordedAuditEvent> all = new ArrayList<>();
        all.add(append(BLUE, "r-1", T0, Operation.CREATE_SNAPSHOT, WEB, new Outcome.Accepted()));
        all.add(append(BLUE, "r-1", T0.plusSeconds(1), Operation.CREATE_SNAPSHOT, WEB, new Outcome.Submitted()));
        all.add(append(BLUE, "r-2", T0.plusSeconds(60), Operation.CREATE_SNAPSHOT, WEB,
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED)));
        all.add(append(BLUE, "r-3", T0.plusSeconds(3600), Operation.DELETE_BACKUP, DB,
                new Outcome.Rejected(ReasonCode.BACKUP_IN_PROGRESS)));
        all.add(append(GREEN, "r-4", T0.plusSeconds(3 * 3600), Operation.RESTORE_SNAPSHOT, GREEN_SERVER,
                new Outcome.Accepted()));
        all.add(append(GREEN, "r-4", T0.plusSeconds(3 * 3600 + 5), Operation.RESTORE_SNAPSHOT, GREEN_SERVER,
                new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "VPS.org answered 503")));
        all.add(append(GREEN, "r-5", T0.plusSeconds(4 * 3600), Operation.CREATE_SNAPSHOT, GREEN_SERVER,
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED)));
        all.add(append(BLUE, "r-6", T0.plusSeconds(5 * 3600), Operation.RESTORE_SERVER_FROM_BACKUP, WEB,
                new Outcome.Accepted()));
        all.add(append(BLUE, "r-6", T0.plusSeconds(5 * 3600 + 1), Operation.RESTORE_SERVER_FROM_BACKUP, WEB,
                new Outcome.Submitted()));
        all.add(append(BLUE, "r-7", T0.plusSeconds(6 * 3600), Operation.CREATE_SNAPSHOT, WEB,
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED)));
        return all;
    }

    private static List<Long> sequences(List<RecordedAuditEvent> events) {
        return events.stream().map(RecordedAuditEvent::sequence).toList();
    }

    private List<Long> matching(AuditEventFilter filter) {
        return sequences(reports.page(filter, OptionalLong.empty(), AuditReports.MAX_PAGE).events());
    }

    @Test
    void eachFilterSelectsExactlyItsEventsNewestFirst() {
        seed();
        AuditEventFilter all = AuditEventFilter.everything();
        assertThat(matching(all)).containsExactly(10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(matching(all.forTeam(GREEN))).containsExactly(7L, 6L, 5L);
        assertThat(matching(all.forServer(DB))).containsExactly(4L);
        assertThat(matching(all.withOperation(Operation.RESTORE_SERVER_FROM_BACKUP))).containsExactly(9L, 8L);
        assertThat(matching(all.withOutcome(Outcome.Kind.SUBMITTED))).containsExactly(9L, 2L);
        assertThat(matching(all.withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED))).containsExactly(10L, 7L, 3L);
        assertThat(matching(all.withReason(ReasonCode.PROVIDER_UNAVAILABLE))).containsExactly(6L);
        assertThat(matching(all.forRequest(new RequestId("r-4")))).containsExactly(6L, 5L);
        // from inclusive, to exclusive
        assertThat(matching(all.between(Optional.of(T0.plusSeconds(60)), Optional.of(T0.plusSeconds(3 * 3600 + 5)))))
                .containsExactly(5L, 4L, 3L);
        assertThat(matching(all.forTeam(BLUE).forServer(WEB).withOutcome(Outcome.Kind.REJECTED)))
                .containsExactly(10L, 3L);
        assertThat(matching(all.forTeam(GREEN).forServer(WEB))).isEmpty();
    }

    @Test
    void pagesFollowTheCursorWithoutRepeatsOrGapsWhileEventsAreAppended() {
        List<RecordedAuditEvent> before = seed();
        AuditEventFilter blue = AuditEventFilter.everything().forTeam(BLUE);
        List<Long> expected = before.stream().filter(blue::matches).map(RecordedAuditEvent::sequence)
                .sorted(java.util.Comparator.reverseOrder()).toList();

        List<Long> read = new ArrayList<>();
        AuditEventPage page = reports.page(blue, OptionalLong.empty(), 3);
        int appended = 0;
        while (true) {
            assertThat(page.events()).hasSizeLessThanOrEqualTo(3);
            read.addAll(sequences(page.events()));
            // newer events arrive between pages: they belong to a later read, never to this walk
            append(BLUE, "late-" + appended++, T0.plusSeconds(86_400), Operation.CREATE_SNAPSHOT, WEB,
                    new Outcome.Completed());
            if (page.nextBefore().isEmpty()) {
                break;
            }
            page = reports.page(blue, page.nextBefore(), 3);
        }
        assertThat(read).containsExactlyElementsOf(expected);
    }

    @Test
    void aFullLastPageStillSaysThereIsNoMore() {
        seed();
        AuditEventPage green = reports.page(AuditEventFilter.everything().forTeam(GREEN), OptionalLong.empty(), 3);
        assertThat(sequences(green.events())).containsExactly(7L, 6L, 5L);
        assertThat(green.nextBefore()).isEmpty();
        AuditEventPage first = reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 4);
        assertThat(first.nextBefore()).hasValue(7L);
    }

    @Test
    void pageSizeIsBounded() {
        assertThatThrownBy(() -> reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reports.page(AuditEventFilter.everything(), OptionalLong.empty(), AuditReports.MAX_PAGE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStreamReadsEveryMatchingEventNewestFirstWithItsContent() {
        List<RecordedAuditEvent> all = seed();
        List<RecordedAuditEvent> read = new ArrayList<>();
        try (AuditEventStream stream = reports.stream(AuditEventFilter.everything().forTeam(BLUE))) {
            stream.forEachRemaining(entry -> read.add((RecordedAuditEvent) entry));
        }
        assertThat(sequences(read)).containsExactly(10L, 9L, 8L, 4L, 3L, 2L, 1L);
        assertThat(read.getLast()).isEqualTo(all.getFirst());
        try (AuditEventStream stream = reports.stream(AuditEventFilter.everything().forTeam(new TeamId("nobody")))) {
            assertThat(stream.hasNext()).isFalse();
        }
    }

    @Test
    void aStreamClosedEarlyIsFine() {
        seed();
        try (AuditEventStream stream = reports.stream(AuditEventFilter.everything())) {
            assertThat(stream.next().sequence()).isEqualTo(10L);
        }
        assertThat(reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 1).events()).hasSize(1);
    }

    @Test
    void summarisesByDayAndMonthWithTopRejectionsAndProviderFailureRate() {
        seed();
        Instant jan30 = Instant.parse("2026-01-30T00:00:00Z");
        Instant jan31 = Instant.parse("2026-01-31T00:00:00Z");
        SummaryQuery byDay = new SummaryQuery(Optional.empty(), jan30, Instant.parse("2026-02-02T00:00:00Z"),
                SummaryBucket.DAY, 5, true);

        AuditSummary summary = reports.summarize(byDay);

        assertThat(summary.counts()).containsExactly(
                new AuditSummary.Count(jan30, BLUE, Operation.CREATE_SNAPSHOT, Outcome.Kind.ACCEPTED, 1),
                new AuditSummary.Count(jan30, BLUE, Operation.CREATE_SNAPSHOT, Outcome.Kind.REJECTED, 1),
                new AuditSummary.Count(jan30, BLUE, Operation.CREATE_SNAPSHOT, Outcome.Kind.SUBMITTED, 1),
                new AuditSummary.Count(jan30, BLUE, Operation.DELETE_BACKUP, Outcome.Kind.REJECTED, 1),
                new AuditSummary.Count(jan31, BLUE, Operation.CREATE_SNAPSHOT, Outcome.Kind.REJECTED, 1),
                new AuditSummary.Count(jan31, BLUE, Operation.RESTORE_SERVER_FROM_BACKUP, Outcome.Kind.ACCEPTED, 1),
                new AuditSummary.Count(jan31, BLUE, Operation.RESTORE_SERVER_FROM_BACKUP, Outcome.Kind.SUBMITTED, 1),
                new AuditSummary.Count(jan31, GREEN, Operation.CREATE_SNAPSHOT, Outcome.Kind.REJECTED, 1),
                new AuditSummary.Count(jan31, GREEN, Operation.RESTORE_SNAPSHOT, Outcome.Kind.ACCEPTED, 1),
                new AuditSummary.Count(jan31, GREEN, Operation.RESTORE_SNAPSHOT, Outcome.Kind.FAILED, 1));
        assertThat(summary.topRejections()).containsExactly(
                new AuditSummary.ReasonCount(ReasonCode.SNAPSHOT_LIMIT_REACHED, 3),
                new AuditSummary.ReasonCount(ReasonCode.BACKUP_IN_PROGRESS, 1));
        assertThat(summary.providerCalls()).isEqualTo(3);
        assertThat(summary.providerFailures()).isEqualTo(1);

        // Summed over every team (ADR 0078): one count per bucket, operation and outcome; the same reasons and calls.
        AuditSummary summed = reports.summarize(new SummaryQuery(Optional.empty(), byDay.from(), byDay.to(),
                SummaryBucket.DAY, 5, false));
        assertThat(summed.counts()).containsExactly(
                new AuditSummary.Count(jan30, Optional.empty(), Operation.CREATE_SNAPSHOT, Outcome.Kind.ACCEPTED, 1),
                new AuditSummary.Count(jan30, Optional.empty(), Operation.CREATE_SNAPSHOT, Outcome.Kind.REJECTED, 1),
                new AuditSummary.Count(jan30, Optional.empty(), Operation.CREATE_SNAPSHOT, Outcome.Kind.SUBMITTED, 1),
                new AuditSummary.Count(jan30, Optional.empty(), Operation.DELETE_BACKUP, Outcome.Kind.REJECTED, 1),
                new AuditSummary.Count(jan31, Optional.empty(), Operation.CREATE_SNAPSHOT, Outcome.Kind.REJECTED, 2),
                new AuditSummary.Count(jan31, Optional.empty(), Operation.RESTORE_SNAPSHOT, Outcome.Kind.ACCEPTED, 1),
                new AuditSummary.Count(jan31, Optional.empty(), Operation.RESTORE_SNAPSHOT, Outcome.Kind.FAILED, 1),
                new AuditSummary.Count(jan31, Optional.empty(), Operation.RESTORE_SERVER_FROM_BACKUP,
                        Outcome.Kind.ACCEPTED, 1),
                new AuditSummary.Count(jan31, Optional.empty(), Operation.RESTORE_SERVER_FROM_BACKUP,
                        Outcome.Kind.SUBMITTED, 1));
        assertThat(summed.topRejections()).isEqualTo(summary.topRejections());
        assertThat(summed.providerCalls()).isEqualTo(3);
        assertThat(summed.providerFailures()).isEqualTo(1);

        AuditSummary blueByMonth = reports.summarize(new SummaryQuery(Optional.of(BLUE),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"), SummaryBucket.MONTH, 1,
                true));
        Instant january = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(blueByMonth.counts()).containsExactly(
                new AuditSummary.Count(january, BLUE, Operation.CREATE_SNAPSHOT, Outcome.Kind.ACCEPTED, 1),
                new AuditSummary.Count(january, BLUE, Operation.CREATE_SNAPSHOT, Outcome.Kind.REJECTED, 2),
                new AuditSummary.Count(january, BLUE, Operation.CREATE_SNAPSHOT, Outcome.Kind.SUBMITTED, 1),
                new AuditSummary.Count(january, BLUE, Operation.DELETE_BACKUP, Outcome.Kind.REJECTED, 1),
                new AuditSummary.Count(january, BLUE, Operation.RESTORE_SERVER_FROM_BACKUP, Outcome.Kind.ACCEPTED, 1),
                new AuditSummary.Count(january, BLUE, Operation.RESTORE_SERVER_FROM_BACKUP, Outcome.Kind.SUBMITTED, 1));
        assertThat(blueByMonth.topRejections()).containsExactly(
                new AuditSummary.ReasonCount(ReasonCode.SNAPSHOT_LIMIT_REACHED, 2));
        assertThat(blueByMonth.providerFailureRate()).isZero();
    }

    @Test
    void anEmptyPeriodSummarisesToNothing() {
        seed();
        AuditSummary summary = reports.summarize(new SummaryQuery(Optional.empty(),
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-02-01T00:00:00Z"), SummaryBucket.DAY, 5,
                true));
        assertThat(summary.counts()).isEmpty();
        assertThat(summary.topRejections()).isEmpty();
        assertThat(summary.providerCalls()).isZero();
        assertThat(summary.providerFailureRate()).isZero();
    }

    @Test
    void recoveryActivityIsTheLastCompletedCreateAndRestorePerServer() {
        seed();
        ServerId untouched = new ServerId(99999);
        // Taken (SUBMITTED) is not recovery; completed, as the tracker establishes it, is.
        assertThat(reports.recoveryActivity(Set.of(WEB), Optional.empty()).get(WEB)).isEqualTo(new RecoveryActivity(WEB,
                Optional.empty(), Optional.empty(),
                Optional.of(new RestoreRequested(T0.plusSeconds(5 * 3600), RestoreRequested.Ending.OPEN))));
        append(BLUE, "r-1", T0.plusSeconds(300), Operation.CREATE_SNAPSHOT, WEB, new Outcome.Completed());
        append(BLUE, "r-6", T0.plusSeconds(5 * 3600 + 900), Operation.RESTORE_SERVER_FROM_BACKUP, WEB,
                new Outcome.Completed());

        Map<ServerId, RecoveryActivity> activity = reports.recoveryActivity(Set.of(WEB, GREEN_SERVER, untouched),
                Optional.empty());

        assertThat(activity).containsOnlyKeys(WEB, GREEN_SERVER, untouched);
        // r-6's intent, written before attempt ids, is matched to its outcome by request id and operation
        assertThat(activity.get(WEB)).isEqualTo(new RecoveryActivity(WEB, Optional.of(T0.plusSeconds(300)),
                Optional.of(T0.plusSeconds(5 * 3600 + 900)),
                Optional.of(new RestoreRequested(T0.plusSeconds(5 * 3600), RestoreRequested.Ending.COMPLETED))));
        // a failed restore is no recovery, but it was asked for
        assertThat(activity.get(GREEN_SERVER)).isEqualTo(new RecoveryActivity(GREEN_SERVER, Optional.empty(),
                Optional.empty(), Optional.of(new RestoreRequested(T0.plusSeconds(3 * 3600), RestoreRequested.Ending.FAILED))));
        assertThat(activity.get(untouched)).isEqualTo(RecoveryActivity.none(untouched));
        assertThat(reports.recoveryActivity(Set.of(), Optional.empty())).isEmpty();
    }

    /**
     * A server the teams file moved from BLUE to GREEN keeps BLUE's events, filed under BLUE: GREEN's activity on it is
     * GREEN's own only, while every team's counts when no team is given (ADR 0020, amended in session 39).
     */
    @Test
    void recoveryActivityOfOneTeamCountsOnlyThatTeamsEventsOnTheServer() {
        append(BLUE, "r-1", T0, Operation.CREATE_SNAPSHOT, WEB, new Outcome.Completed());
        append(BLUE, "r-2", T0.plusSeconds(3600), Operation.RESTORE_SNAPSHOT, WEB, new Outcome.Completed());
        append(GREEN, "r-3", T0.plusSeconds(60), Operation.CREATE_MANUAL_BACKUP, WEB, new Outcome.Completed());
        append(GREEN, "r-4", T0.plusSeconds(7200), Operation.RESTORE_SERVER_FROM_BACKUP, WEB, new Outcome.Submitted());

        assertThat(reports.recoveryActivity(Set.of(WEB, DB), Optional.of(GREEN))).containsOnlyKeys(WEB, DB)
                .containsEntry(WEB, new RecoveryActivity(WEB, Optional.of(T0.plusSeconds(60)), Optional.empty()))
                .containsEntry(DB, RecoveryActivity.none(DB));
        assertThat(reports.recoveryActivity(Set.of(WEB), Optional.of(BLUE)).get(WEB))
                .isEqualTo(new RecoveryActivity(WEB, Optional.of(T0), Optional.of(T0.plusSeconds(3600))));
        assertThat(reports.recoveryActivity(Set.of(WEB), Optional.empty()).get(WEB))
                .isEqualTo(new RecoveryActivity(WEB, Optional.of(T0.plusSeconds(60)), Optional.of(T0.plusSeconds(3600))));
    }

    /**
     * The review's case (session 50): a restore recorded COMPLETED (a release before session 49), then 30 days later
     * three restores whose windows ended UNVERIFIABLE. The last completed restore is the old one; the newest restore
     * asked for is the third, ended unverifiable (ADR 0024, amended in session 50).
     */
    @Test
    void theNewestRestoreRequestedIsShownBesideAnOlderLastCompletedOne() {
        restoreEvent(BLUE, "a-1", T0, new Outcome.Accepted());
        restoreEvent(BLUE, "a-1", T0.plusSeconds(1), new Outcome.Submitted());
        restoreEvent(BLUE, "a-1", T0.plusSeconds(900), new Outcome.Completed());
        Instant later = T0.plus(java.time.Duration.ofDays(30));
        for (int i = 2; i <= 4; i++) {
            Instant at = later.plusSeconds(3600L * i);
            restoreEvent(BLUE, "a-" + i, at, new Outcome.Accepted());
            restoreEvent(BLUE, "a-" + i, at.plusSeconds(1), new Outcome.Submitted());
            restoreEvent(BLUE, "a-" + i, at.plusSeconds(900),
                    new Outcome.Unverifiable(ReasonCode.OUTCOME_UNKNOWN, "the restore window ended"));
        }

        RecoveryActivity activity = reports.recoveryActivity(Set.of(WEB), Optional.empty()).get(WEB);

        assertThat(activity.lastCompletedRestore()).contains(T0.plusSeconds(900));
        assertThat(activity.lastRestoreRequested()).contains(new RestoreRequested(later.plusSeconds(3600L * 4),
                RestoreRequested.Ending.UNVERIFIABLE));
        assertThat(reports.recoveryActivity(Set.of(WEB), Optional.of(BLUE)).get(WEB)).isEqualTo(activity);
    }

    /** Each ending is read from the attempt's final outcome; none yet is open; a team sees its own only. */
    @Test
    void theNewestRestoreRequestedEndsAsItsAttemptsFirstFinalOutcomeSays() {
        restoreEvent(BLUE, "a-1", T0, new Outcome.Accepted());
        restoreEvent(BLUE, "a-1", T0.plusSeconds(60),
                new Outcome.Unverifiable(ReasonCode.RESTORE_HOLD_RELEASED, "released early"));
        assertThat(reports.recoveryActivity(Set.of(WEB), Optional.empty()).get(WEB).lastRestoreRequested())
                .contains(new RestoreRequested(T0, RestoreRequested.Ending.RELEASED));

        restoreEvent(GREEN, "a-2", T0.plusSeconds(1000), new Outcome.Accepted());
        restoreEvent(GREEN, "a-2", T0.plusSeconds(1001), new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "refused"));
        assertThat(reports.recoveryActivity(Set.of(WEB), Optional.empty()).get(WEB).lastRestoreRequested())
                .contains(new RestoreRequested(T0.plusSeconds(1000), RestoreRequested.Ending.FAILED));
        assertThat(reports.recoveryActivity(Set.of(WEB), Optional.of(BLUE)).get(WEB).lastRestoreRequested())
                .contains(new RestoreRequested(T0, RestoreRequested.Ending.RELEASED));

        restoreEvent(GREEN, "a-3", T0.plusSeconds(2000), new Outcome.Accepted());
        restoreEvent(GREEN, "a-3", T0.plusSeconds(2001), new Outcome.Submitted());
        assertThat(reports.recoveryActivity(Set.of(WEB), Optional.of(GREEN)).get(WEB).lastRestoreRequested())
                .contains(new RestoreRequested(T0.plusSeconds(2000), RestoreRequested.Ending.OPEN));
        assertThat(reports.recoveryActivity(Set.of(DB), Optional.empty()).get(DB).lastRestoreRequested()).isEmpty();
    }
}
