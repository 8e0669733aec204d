package org.vpsrecovery.domain.report;

import org.vpsrecovery.domain.audit.AuditEventFilter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ProviderClock;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

class ReportValuesTest {

    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
    private static final TeamId BLUE = new TeamId("blue");
    private static final ServerRef WEB = new ServerRef(new ServerId(12345), "web-server-01");
    private static final ServerRef OTHER = new ServerRef(new ServerId(23456), "other");

    private static RecordedAuditEvent recorded(long sequence) {
        return new RecordedAuditEvent(sequence, new AuditEvent(NOW, BLUE, new RequestId("r-" + sequence),
                Operation.CREATE_SNAPSHOT, Optional.empty(), Optional.empty(), new Outcome.Accepted(),
                OptionalInt.empty(), Map.of()));
    }

    @Test
    void aPageIsNewestFirstAndItsCursorIsItsLastEvent() {
        AuditEventPage full = AuditEventPage.of(List.of(recorded(9), recorded(7), recorded(4)), 2);
        assertThat(full.events()).extracting(RecordedAuditEvent::sequence).containsExactly(9L, 7L);
        assertThat(full.nextBefore()).hasValue(7L);
        assertThat(AuditEventPage.of(List.of(recorded(9), recorded(7)), 2).nextBefore()).isEmpty();
        assertThatThrownBy(() -> new AuditEventPage(List.of(recorded(7), recorded(9)), OptionalLong.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditEventPage(List.of(recorded(9), recorded(7)), OptionalLong.of(9)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditEventPage(List.of(), OptionalLong.of(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void filtersAndSummariesRefuseEmptyOrUnboundedPeriods() {
        assertThatThrownBy(() -> AuditEventFilter.everything().between(Optional.of(NOW), Optional.of(NOW)))
                .hasMessageContaining("from must be before to");
        assertThatThrownBy(() -> new SummaryQuery(Optional.empty(), NOW, NOW.minusSeconds(1), SummaryBucket.DAY, 5,
                true))
                .hasMessageContaining("from must be before to");
        assertThatThrownBy(() -> new SummaryQuery(Optional.empty(), NOW.minus(Duration.ofDays(SummaryQuery.MAX_DAYS + 1)),
                NOW, SummaryBucket.DAY, 5, true)).hasMessageContaining("at most");
        assertThatThrownBy(() -> new SummaryQuery(Optional.empty(), NOW.minusSeconds(60), NOW, SummaryBucket.DAY, 0,
                true))
                .hasMessageContaining("top reasons");
    }

    @Test
    void everyTeamsSummaryIsSummedOrPerTeamAndOneTeamsIsAlwaysItsOwn() {
        SummaryQuery summed = new SummaryQuery(Optional.empty(), NOW.minus(Duration.ofDays(366)), NOW, SummaryBucket.DAY,
                5, false);
        assertThat(summed.overTeams()).isTrue();
        SummaryQuery blue = new SummaryQuery(Optional.of(new TeamId("blue")), NOW.minus(Duration.ofDays(366)), NOW,
                SummaryBucket.DAY, 5, false);
        assertThat(blue.perTeam()).isTrue();
        assertThat(blue.overTeams()).isFalse();
        assertThat(summed.forTeam(new TeamId("blue")).overTeams()).isFalse();
        // A summed summary's counts name no team; each team's name theirs.
        assertThatThrownBy(() -> new AuditSummary(summed, List.of(new AuditSummary.Count(NOW, new TeamId("blue"),
                Operation.CREATE_SNAPSHOT, Outcome.Kind.ACCEPTED, 1)), List.of(), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSummaryKeepsFailuresWithinCallsAndItsRejectionsToTheTopAskedFor() {
        SummaryQuery top1 = new SummaryQuery(Optional.empty(), NOW.minusSeconds(60), NOW, SummaryBucket.DAY, 1, true);
        AuditSummary summary = new AuditSummary(top1, List.of(), List.of(
                new AuditSummary.ReasonCount(ReasonCode.SERVER_BUSY, 2),
                new AuditSummary.ReasonCount(ReasonCode.SNAPSHOT_LIMIT_REACHED, 5)), 4, 1);
        assertThat(summary.topRejections()).extracting(AuditSummary.ReasonCount::events).containsExactly(5L);
        assertThat(summary.providerFailureRate()).isEqualTo(0.25);
        assertThatThrownBy(() -> new AuditSummary(top1, List.of(), List.of(), 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Snapshot snapshot(long id, ServerRef server, CreationStatus status, Instant at) {
        return new Snapshot(new SnapshotId(id), server, "snap-" + id, status, OptionalLong.empty(), at, "");
    }

    private static Backup backup(long id, ServerRef server, BackupType type, CreationStatus status, Instant at,
                                 Optional<Instant> expires) {
        return new Backup(new BackupId(id), server, type, status, OptionalLong.empty(), at, expires, "");
    }

    @Test
    void recoverabilityCountsOnlyCompletedUnexpiredPointsOfTheServer() {
        List<Snapshot> snapshots = List.of(
                snapshot(1, WEB, CreationStatus.COMPLETED, NOW.minus(Duration.ofDays(3))),
                snapshot(2, WEB, CreationStatus.FAILED, NOW.minus(Duration.ofDays(1))),
                snapshot(3, WEB, CreationStatus.IN_PROGRESS, NOW),
                snapshot(4, OTHER, CreationStatus.COMPLETED, NOW));
        List<Backup> backups = List.of(
                backup(10, WEB, BackupType.AUTOMATIC, CreationStatus.COMPLETED, NOW.minus(Duration.ofDays(1)),
                        Optional.of(NOW.minus(ProviderClock.TOLERANCE))),
                backup(11, WEB, BackupType.AUTOMATIC, CreationStatus.COMPLETED, NOW.minus(Duration.ofDays(2)),
                        Optional.of(NOW.plus(Duration.ofDays(2)))),
                backup(12, WEB, BackupType.AUTOMATIC, CreationStatus.COMPLETED, NOW.minus(Duration.ofDays(3)),
                        Optional.of(NOW.plus(Duration.ofDays(20)))),
                backup(13, WEB, BackupType.MANUAL, CreationStatus.COMPLETED, NOW.minus(Duration.ofDays(5)),
                        Optional.of(NOW.plus(Duration.ofDays(1)))),
                backup(14, OTHER, BackupType.AUTOMATIC, CreationStatus.COMPLETED, NOW, Optional.of(NOW.plusSeconds(5))));

        ServerRecoverability web = ServerRecoverability.of(WEB.id(), BLUE, snapshots, backups,
                RecoveryActivity.none(WEB.id()), NOW, Duration.ofDays(7));

        assertThat(web.newestSnapshot()).map(s -> s.id().value()).contains(1L);
        // 10 has expired, by VPS.org's clock too; 11 is the newest usable one
        assertThat(web.newestBackup()).map(b -> b.id().value()).contains(11L);
        // manual backups never expire, whatever expires_at says
        assertThat(web.expiringSoon()).extracting(b -> b.id().value()).containsExactly(11L);
        assertThat(web.hasRecoveryPoint()).isTrue();

        ServerRecoverability bare = ServerRecoverability.of(new ServerId(99), BLUE, snapshots, backups,
                RecoveryActivity.none(new ServerId(99)), NOW, Duration.ofDays(7));
        assertThat(bare.hasRecoveryPoint()).isFalse();
        assertThat(new RecoverabilityReport(NOW, Duration.ofDays(7), List.of(web, bare)).withoutRecoveryPoint())
                .containsExactly(bare);
        assertThatThrownBy(() -> new ServerRecoverability(WEB.id(), BLUE, Optional.of(snapshots.get(3)), Optional.empty(),
                List.of(), RecoveryActivity.none(WEB.id()))).isInstanceOf(IllegalArgumentException.class);
    }
}
