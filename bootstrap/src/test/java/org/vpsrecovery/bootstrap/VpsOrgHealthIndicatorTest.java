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
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;
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

    /**
     * Two probes at once: one answered the last result (VPS.org refused: DOWN, its reason code) while the other's check
     * ends UP. Each answer keeps its own status with its own details. The base class paired the details with a status
     * field shared by every probe: the first probe, paused between the two (as a thread may be), answered UP with the
     * DOWN check's reason code (ADR 0038, amended in session 46). The pause is the test's subclass; nothing is timed.
     */
    @Test
    void twoProbesAtOnceEachPairTheirOwnStatusWithTheirOwnDetails() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        AtomicInteger checks = new AtomicInteger();
        CountDownLatch inSecondCheck = new CountDownLatch(1);
        CountDownLatch vpsOrgAnswers = new CountDownLatch(1);
        SnapshotProvider refusedThenAnswering = new SnapshotProvider() {
            @Override
            public List<Snapshot> listSnapshots(Optional<ServerId> server) {
                if (checks.incrementAndGet() == 1) {
                    throw new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org is down");
                }
                inSecondCheck.countDown();
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
        AtomicBoolean pauseNext = new AtomicBoolean();
        CompletableFuture<Void> paused = new CompletableFuture<>();
        CountDownLatch resume = new CountDownLatch(1);
        var indicator = new VpsOrgHealthIndicator(
                new MeteredProvider(refusedThenAnswering, noBackups(), new SimpleMeterRegistry()), clock) {
            /** One probe's result, as the endpoint asks for it (on its executor). */
            HealthResult probe() {
                return getHealthResult();
            }

            @Override
            protected Map<String, Object> getHealthInformation() {
                Map<String, Object> details = super.getHealthInformation();
                if (pauseNext.compareAndSet(true, false)) {
                    paused.complete(null);
                    try {
                        resume.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return details;
            }
        };
        ExecutorService probes = Executors.newFixedThreadPool(2);
        try {
            HealthResult refused = indicator.probe();
            assertThat(refused.getStatus()).isEqualTo(HealthStatus.DOWN);
            assertThat(detailsOf(refused)).containsKey("reason_code");

            now.set(now.get().plus(VpsOrgHealthIndicator.CHECK_EVERY));
            Future<HealthResult> checking = probes.submit(indicator::probe);
            assertThat(inSecondCheck.await(30, TimeUnit.SECONDS)).isTrue();
            pauseNext.set(true);
            Future<HealthResult> answeredTheLast = probes.submit(indicator::probe);
            // Paused after reading its details (the base class's way), or answered already (one read of both).
            CompletableFuture.anyOf(paused, CompletableFuture.runAsync(() -> {
                try {
                    answeredTheLast.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            })).get(30, TimeUnit.SECONDS);

            vpsOrgAnswers.countDown();
            HealthResult up = checking.get(30, TimeUnit.SECONDS);
            resume.countDown();
            HealthResult last = answeredTheLast.get(30, TimeUnit.SECONDS);

            assertThat(up.getStatus()).isEqualTo(HealthStatus.UP);
            assertThat(detailsOf(up)).doesNotContainKey("reason_code");
            assertThat(last.getStatus()).as("the status of the check whose details it answers")
                    .isEqualTo(HealthStatus.DOWN);
            assertThat(detailsOf(last)).containsKey("reason_code");
        } finally {
            vpsOrgAnswers.countDown();
            resume.countDown();
            probes.shutdownNow();
        }
    }

    private static Map<Object, Object> detailsOf(HealthResult result) {
        return new java.util.LinkedHashMap<>((Map<?, ?>) result.getDetails());
    }

    private static BackupProvider noBackups() {
        return new BackupProvider() {
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
    }
}
