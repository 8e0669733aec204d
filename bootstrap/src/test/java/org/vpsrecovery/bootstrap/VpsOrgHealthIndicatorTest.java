package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The VPS.org check: one at a time, and a probe while one waits for VPS.org is answered at once (ADR 0038, 0104). */
class VpsOrgHealthIndicatorTest {

    @Test
    void aProbeWhileACheckWaitsForVpsOrgIsAnsweredTheLastResultAtOnce() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
        CountDownLatch inCheck = new CountDownLatch(1);
        CountDownLatch vpsOrgAnswers = new CountDownLatch(1);
        SnapshotProvider hanging = new SnapshotProvider() {
            @Override
            public List<Snapshot> listSnapshots(Optional<ServerId> server) {
                inCheck.countDown();
                try {
                    vpsOrgAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }

            @Override
            public Snapshot createSnapshot(SnapshotDraft draft) {
                throw new UnsupportedOperationException("the check only lists");
            }

            @Override
            public RestoreStarted restoreSnapshot(SnapshotId snapshot, ServerId itsServer) {
                throw new UnsupportedOperationException("the check only lists");
            }

            @Override
            public void deleteSnapshot(SnapshotId snapshot) {
                throw new UnsupportedOperationException("the check only lists");
            }
        };
        BackupProvider noBackups = new BackupProvider() {
            @Override
            public List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
                throw new UnsupportedOperationException("the check reads snapshots");
            }

            @Override
            public Backup createManualBackup(BackupDraft draft) {
                throw new UnsupportedOperationException("the check reads snapshots");
            }

            @Override
            public void deleteBackup(BackupId backup) {
                throw new UnsupportedOperationException("the check reads snapshots");
            }

            @Override
            public RestoreStarted restoreServerFromBackup(ServerId server, BackupId backup) {
                throw new UnsupportedOperationException("the check reads snapshots");
            }
        };
        VpsOrgHealthIndicator indicator = new VpsOrgHealthIndicator(
                new MeteredProvider(hanging, noBackups, new SimpleMeterRegistry()), clock);
        ExecutorService probes = Executors.newFixedThreadPool(2);
        try {
            Future<Map<String, Object>> first = probes.submit(indicator::getHealthInformation);
            assertThat(inCheck.await(30, TimeUnit.SECONDS)).isTrue();

            // With a monitor the second probe waited for VPS.org as long as the first: bounded here only so that the
            // test ends; its answer is the last known (none yet), while the first still waits.
            Future<Map<String, Object>> second = probes.submit(indicator::getHealthInformation);
            assertThat(second.get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(first.isDone()).isFalse();

            vpsOrgAnswers.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).containsKey("checked_at");
            assertThat(CompletableFuture.supplyAsync(indicator::getHealthInformation, probes).get(30, TimeUnit.SECONDS))
                    .containsKey("checked_at").doesNotContainKey("reason_code");
        } finally {
            vpsOrgAnswers.countDown();
            probes.shutdownNow();
        }
    }
}
