package org.vpsrecovery.application.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.AuditReadsBusy;
import org.vpsrecovery.domain.report.RecoverabilityReport;
import org.vpsrecovery.domain.report.ServerRecoverability;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.snapshot.SnapshotName;

class AuditReportServicesTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final AuditReader blue = new AuditReader.Team(PlatformFixture.BLUE);
    private final AuditReader auditor = new AuditReader.Auditor("compliance");

    private void createSnapshots() {
        platform.createSnapshot().createSnapshot(new CreateSnapshotCommand(platform.as(PlatformFixture.BLUE),
                PlatformFixture.WEB, new SnapshotName("blue-one"), Optional.empty()));
        platform.createSnapshot().createSnapshot(new CreateSnapshotCommand(platform.as(PlatformFixture.GREEN),
                PlatformFixture.GREEN_SERVER, new SnapshotName("green-one"), Optional.empty()));
    }

    @Test
    void aTeamReadsOnlyItsOwnEventsAndAnAuditorReadsEveryTeams() {
        createSnapshots();
        var events = platform.listAuditEvents();

        assertThat(events.listAuditEvents(blue, AuditEventFilter.everything(), OptionalLong.empty(), 100).events())
                .hasSize(2).allMatch(e -> e.event().team().equals(PlatformFixture.BLUE));
        assertThat(events.listAuditEvents(auditor, AuditEventFilter.everything(), OptionalLong.empty(), 100).events())
                .hasSize(4);
        assertThat(events.listAuditEvents(auditor, AuditEventFilter.everything().forTeam(PlatformFixture.GREEN),
                OptionalLong.empty(), 100).events()).hasSize(2);
        assertThatThrownBy(() -> events.listAuditEvents(blue, AuditEventFilter.everything().forTeam(PlatformFixture.GREEN),
                OptionalLong.empty(), 100)).isInstanceOf(AccessDenied.class)
                .extracting(e -> ((AccessDenied) e).reason()).isEqualTo(ReasonCode.FORBIDDEN_FOR_ROLE);
        try (AuditEventStream stream = events.exportAuditEvents(blue, AuditEventFilter.everything())) {
            List<RecordedAuditEvent> all = new java.util.ArrayList<>();
            stream.forEachRemaining(entry -> all.add((RecordedAuditEvent) entry));
            assertThat(all).hasSize(2).allMatch(e -> e.event().team().equals(PlatformFixture.BLUE));
        }
        assertThat(platform.auditReports.openStreams()).isZero();
    }

    @Test
    void onlyAnAuditorVerifiesTheChain() {
        createSnapshots();
        assertThat(platform.verifyAuditChain().verifyAuditChain(auditor)).isInstanceOf(ChainVerification.Intact.class);
        assertThatThrownBy(() -> platform.verifyAuditChain().verifyAuditChain(blue)).isInstanceOf(AccessDenied.class);
    }

    @Test
    void aTeamsSummaryCountsOnlyItsOwnEvents() {
        createSnapshots();
        SummaryQuery day = new SummaryQuery(Optional.empty(), Instant.parse("2026-11-23T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"), SummaryBucket.DAY, 5, true);

        assertThat(platform.summarizeAudit().summarizeAudit(blue, day).counts())
                .allMatch(c -> c.team().equals(Optional.of(PlatformFixture.BLUE))).hasSize(2);
        assertThat(platform.summarizeAudit().summarizeAudit(auditor, day).counts()).hasSize(4);
        assertThat(platform.summarizeAudit().summarizeAudit(auditor, day).providerCalls()).isEqualTo(2);
        assertThatThrownBy(() -> platform.summarizeAudit().summarizeAudit(blue, day.forTeam(PlatformFixture.GREEN)))
                .isInstanceOf(AccessDenied.class);
    }

    @Test
    void aSummaryOpenedForStreamingIsScopedAndKeepsItsSlotUntilClosed() {
        createSnapshots();
        SummaryQuery day = new SummaryQuery(Optional.empty(), Instant.parse("2026-11-23T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"), SummaryBucket.DAY, 5, true);

        try (var held = platform.summarizeAudit().openAuditSummary(blue, day)) {
            assertThat(held.value()).isEqualTo(platform.summarizeAudit().summarizeAudit(blue, day));
            assertThat(held.value().counts()).allMatch(c -> c.team().equals(Optional.of(PlatformFixture.BLUE))).hasSize(2);
            assertThat(platform.auditReadSlots.available()).isEqualTo(3);
        }
        assertThat(platform.auditReadSlots.available()).isEqualTo(4);
        // Refused before any slot is taken.
        assertThatThrownBy(() -> platform.summarizeAudit().openAuditSummary(blue, day.forTeam(PlatformFixture.GREEN)))
                .isInstanceOf(AccessDenied.class);
        assertThat(platform.auditReadSlots.available()).isEqualTo(4);
    }

    @Test
    void recoverabilityJoinsTheProvidersStateWithTheAuditedActivity() {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.clock.advance(Duration.ofHours(1));
        platform.provider.addSnapshot(802, platform.web, CreationStatus.IN_PROGRESS);
        platform.provider.addBackup(501, platform.web, BackupType.AUTOMATIC, CreationStatus.COMPLETED,
                Optional.of(platform.clock.instant().plus(Duration.ofDays(2))));
        platform.provider.addBackup(502, platform.web, BackupType.AUTOMATIC, CreationStatus.COMPLETED,
                Optional.of(platform.clock.instant().plus(Duration.ofDays(20))));
        platform.provider.addBackup(499, platform.web, BackupType.MANUAL, CreationStatus.COMPLETED, Optional.empty());
        createSnapshots();

        RecoverabilityReport report = platform.reportRecoverability().reportRecoverability(blue, Duration.ofDays(7));
        List<ServerRecoverability> forBlue = report.servers();

        assertThat(forBlue).extracting(ServerRecoverability::server)
                .containsExactly(PlatformFixture.WEB, PlatformFixture.SPARE);
        ServerRecoverability web = forBlue.getFirst();
        // the snapshot created through the platform just now is still in progress: 801 is the newest completed
        assertThat(web.newestSnapshot()).map(s -> s.id().value()).contains(801L);
        assertThat(web.newestBackup()).isPresent();
        assertThat(web.expiringSoon()).extracting(b -> b.id().value()).containsExactly(501L);
        // Taken by VPS.org is not completed: only once the tracker saw it completed does it count.
        assertThat(web.activity().lastCompletedCreate()).isEmpty();
        assertThat(web.hasRecoveryPoint()).isTrue();
        platform.provider.finishCreations();
        platform.tracker().tick();
        assertThat(platform.reportRecoverability().reportRecoverability(blue, Duration.ofDays(7)).servers().getFirst()
                .activity().lastCompletedCreate()).isPresent();
        assertThat(forBlue.get(1).hasRecoveryPoint()).isFalse();
        assertThat(report.withoutRecoveryPoint()).extracting(ServerRecoverability::server).containsExactly(PlatformFixture.SPARE);
        assertThat(report.generatedAt()).isEqualTo(platform.clock.instant());

        assertThat(platform.reportRecoverability().reportRecoverability(auditor, Duration.ofDays(7)).servers())
                .extracting(r -> r.team().value()).containsExactly("blue", "blue", "green");
        assertThatThrownBy(() -> platform.reportRecoverability().reportRecoverability(auditor, Duration.ofDays(400)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The teams file moved WEB from BLUE to GREEN after BLUE snapshotted and restored it: GREEN's report shows WEB with
     * GREEN's own activity (none yet), not BLUE's; BLUE's no longer shows WEB; an auditor sees WEB under GREEN with
     * its whole activity, BLUE's included (ADR 0020, amended in session 39).
     */
    @Test
    void aServerMovedToAnotherTeamIsReportedWithItsNewOwnersActivityOnlyAndWholeToAnAuditor() {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.createSnapshot().createSnapshot(new CreateSnapshotCommand(platform.as(PlatformFixture.BLUE),
                PlatformFixture.WEB, new SnapshotName("blue-one"), Optional.empty()));
        platform.provider.finishCreations();
        platform.tracker().tick();
        platform.clock.advance(Duration.ofMinutes(1));
        platform.restoreSnapshot().restoreSnapshot(new org.vpsrecovery.application.snapshot.RestoreSnapshotCommand(
                platform.as(PlatformFixture.BLUE), new org.vpsrecovery.domain.snapshot.SnapshotId(801)));
        platform.clock.advance(org.vpsrecovery.application.attempt.ServerStates.DOCUMENTED_RESTORE_WINDOW);
        platform.tracker().tick(); // the window's end ends the restore unverifiable, never completed (session 49)
        var moved = new org.vpsrecovery.domain.testing.FixedServerOwnership(java.util.Map.of(
                PlatformFixture.BLUE, java.util.Set.of(PlatformFixture.SPARE),
                PlatformFixture.GREEN, java.util.Set.of(PlatformFixture.GREEN_SERVER, PlatformFixture.WEB)));
        var afterTheMove = new ReportRecoverabilityService(platform.provider, platform.provider, moved, moved,
                platform.auditReports, platform.clock, platform.auditReadSlots);
        ServerRecoverability webAsAuditorSawItBefore = platform.reportRecoverability()
                .reportRecoverability(auditor, Duration.ofDays(7)).servers().getFirst();
        assertThat(webAsAuditorSawItBefore.activity().lastCompletedCreate()).isPresent();
        assertThat(webAsAuditorSawItBefore.activity().lastCompletedRestore()).isEmpty();

        ServerRecoverability forGreen = afterTheMove.reportRecoverability(
                new AuditReader.Team(PlatformFixture.GREEN), Duration.ofDays(7)).servers().stream()
                .filter(r -> r.server().equals(PlatformFixture.WEB)).findFirst().orElseThrow();
        assertThat(forGreen.team()).isEqualTo(PlatformFixture.GREEN);
        assertThat(forGreen.activity()).isEqualTo(org.vpsrecovery.domain.report.RecoveryActivity.none(PlatformFixture.WEB));
        // The recovery points are the server's, now GREEN's: still shown.
        assertThat(forGreen.newestSnapshot()).isPresent();
        assertThat(afterTheMove.reportRecoverability(blue, Duration.ofDays(7)).servers())
                .extracting(ServerRecoverability::server).containsExactly(PlatformFixture.SPARE);
        ServerRecoverability forAuditor = afterTheMove.reportRecoverability(auditor, Duration.ofDays(7)).servers().stream()
                .filter(r -> r.server().equals(PlatformFixture.WEB)).findFirst().orElseThrow();
        assertThat(forAuditor.team()).isEqualTo(PlatformFixture.GREEN);
        assertThat(forAuditor.activity()).isEqualTo(webAsAuditorSawItBefore.activity());
    }

    /** A point left out of a list joined from pages (ADR 0010, amended in session 38) is still reported recoverable. */
    @Test
    void aServersOnlyRecoveryPointLeftOutOfAPagedListIsStillReported() {
        var only = platform.provider.addBackup(499, platform.spare, org.vpsrecovery.domain.backup.BackupType.MANUAL,
                org.vpsrecovery.domain.common.CreationStatus.COMPLETED, java.util.Optional.empty());
        platform.provider.leaveOutOfPagedLists(org.vpsrecovery.domain.audit.ResourceRef.of(only.id()));

        ServerRecoverability spare = platform.reportRecoverability().reportRecoverability(blue, Duration.ofDays(7)).servers()
                .stream().filter(r -> r.server().equals(PlatformFixture.SPARE)).findFirst().orElseThrow();

        assertThat(spare.newestBackup()).contains(only);
        assertThat(spare.hasRecoveryPoint()).isTrue();
    }

    /**
     * A large account's report: each whole list comes in several pages, so each is read at least twice to be confirmed.
     * Under one deadline for both lists the backups' reads started where the snapshots' left off and ran past it: every
     * report failed "try later". Each list has its own deadline now (ADR 0010, amended in session 39, review). Modelled
     * as the client counts it: a 1 s deadline, two reads of two pages each, a page 0.15 s, none started past the deadline.
     */
    @Test
    void aReportOfTwoListsOfSeveralPagesEachReadsBothWithinItsDeadlines() {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        java.util.List<org.vpsrecovery.domain.port.ConsistentListBound> bounds = new java.util.ArrayList<>();
        java.util.function.Consumer<org.vpsrecovery.domain.port.ConsistentListBound> twoReadsOfTwoPages = bound -> {
            bounds.add(bound);
            for (int read = 0; read < 2; read++) {
                long deadline = bound.deadlineCountedFrom(nanos.get()) + Duration.ofSeconds(1).toNanos();
                for (int page = 0; page < 2; page++) {
                    if (nanos.get() > deadline) {
                        throw new org.vpsrecovery.domain.port.ProviderFailure(
                                org.vpsrecovery.domain.port.ProviderFailure.Kind.UNAVAILABLE, "stopped before page "
                                + (page + 1) + " at the list's deadline (" + bound + ")");
                    }
                    nanos.addAndGet(Duration.ofMillis(150).toNanos());
                }
            }
        };
        var snapshots = new org.vpsrecovery.domain.testing.ForwardingSnapshotProvider(platform.provider) {
            @Override
            public List<org.vpsrecovery.domain.snapshot.Snapshot> listSnapshotsConsistently(
                    Optional<org.vpsrecovery.domain.server.ServerId> server,
                    org.vpsrecovery.domain.port.ConsistentListBound bound) {
                twoReadsOfTwoPages.accept(bound);
                return platform.provider.listSnapshots(server);
            }
        };
        var backups = new org.vpsrecovery.domain.port.BackupProvider() {
            @Override
            public List<org.vpsrecovery.domain.backup.Backup> listBackups(
                    Optional<org.vpsrecovery.domain.server.ServerId> server, Optional<BackupType.Kind> type) {
                return platform.provider.listBackups(server, type);
            }

            @Override
            public List<org.vpsrecovery.domain.backup.Backup> listBackupsConsistently(
                    Optional<org.vpsrecovery.domain.server.ServerId> server, Optional<BackupType.Kind> type,
                    org.vpsrecovery.domain.port.ConsistentListBound bound) {
                twoReadsOfTwoPages.accept(bound);
                return platform.provider.listBackups(server, type);
            }

            @Override
            public org.vpsrecovery.domain.backup.Backup createManualBackup(org.vpsrecovery.domain.backup.BackupDraft draft) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void deleteBackup(org.vpsrecovery.domain.backup.BackupId backup) {
                throw new UnsupportedOperationException();
            }

            @Override
            public org.vpsrecovery.domain.port.RestoreStarted restoreServerFromBackup(
                    org.vpsrecovery.domain.server.ServerId server, org.vpsrecovery.domain.backup.BackupId backup) {
                throw new UnsupportedOperationException();
            }
        };
        var report = new ReportRecoverabilityService(snapshots, backups, platform.ownership, platform.ownership,
                platform.auditReports, platform.clock, platform.auditReadSlots);

        assertThat(report.reportRecoverability(auditor, Duration.ofDays(7)).servers()).isNotEmpty();
        assertThat(bounds).hasSize(2).allMatch(org.vpsrecovery.domain.port.ConsistentListBound::sharesOneDeadline);
    }

    /** ADR 0062: the long reads share a few slots; a page is not one of them. */
    @Test
    void longReadsPastTheInstancesSlotsAreRefusedAndReadNothingWhilePagesStillAnswer() {
        createSnapshots();
        SummaryQuery day = new SummaryQuery(Optional.empty(), Instant.parse("2026-11-23T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"), SummaryBucket.DAY, 5, true);
        List<AuditEventStream> exports = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            exports.add(platform.listAuditEvents().exportAuditEvents(auditor, AuditEventFilter.everything()));
        }

        assertThatThrownBy(() -> platform.summarizeAudit().summarizeAudit(auditor, day))
                .isInstanceOfSatisfying(AuditReadsBusy.class, busy -> assertThat(busy.reason()).isEqualTo(ReasonCode.AUDIT_READS_BUSY));
        assertThatThrownBy(() -> platform.verifyAuditChain().verifyAuditChain(auditor)).isInstanceOf(AuditReadsBusy.class);
        assertThatThrownBy(() -> platform.reportRecoverability().reportRecoverability(auditor, Duration.ofDays(7)))
                .isInstanceOf(AuditReadsBusy.class);
        assertThatThrownBy(() -> platform.listAuditEvents().exportAuditEvents(auditor, AuditEventFilter.everything()))
                .isInstanceOf(AuditReadsBusy.class);
        assertThat(platform.auditReports.openStreams()).isEqualTo(4);
        assertThat(platform.listAuditEvents().listAuditEvents(auditor, AuditEventFilter.everything(), OptionalLong.empty(), 100)
                .events()).hasSize(4);

        exports.getFirst().close();
        assertThat(platform.summarizeAudit().summarizeAudit(auditor, day).counts()).hasSize(4);
        exports.forEach(AuditEventStream::close);
        assertThat(platform.auditReadSlots.available()).isEqualTo(4);
        assertThat(platform.auditReports.openStreams()).isZero();
    }
}
