package org.vpsrecovery.domain.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.testing.RefusalReason;

class SnapshotLifecycleTest {

    private static final ServerRef WEB = new ServerRef(new ServerId(12345), "web-server-01");
    private static final ServerRef OTHER = new ServerRef(new ServerId(23456), "db-01");
    private static final Server RUNNING = new Server(WEB, ServerStatus.RUNNING);
    private static final Server RESTORING = new Server(WEB, ServerStatus.RESTORING);

    static Snapshot snapshot(long id, ServerRef server, CreationStatus status) {
        return new Snapshot(new SnapshotId(id), server, "snap-" + id, status, OptionalLong.empty(),
                Instant.parse("2025-01-15T18:30:00Z"), "");
    }

    @Test
    void anInProgressSnapshotCompletesWithItsSizeOrFails() {
        Snapshot making = snapshot(802, WEB, CreationStatus.IN_PROGRESS);

        Snapshot done = making.complete(5120);
        assertThat(done.isCompleted()).isTrue();
        assertThat(done.sizeMb()).hasValue(5120);
        assertThat(making.fail().status()).isEqualTo(CreationStatus.FAILED);
    }

    @Test
    void finishedSnapshotsCannotCompleteOrFailAgain() {
        Snapshot done = snapshot(801, WEB, CreationStatus.COMPLETED);
        Snapshot failed = snapshot(803, WEB, CreationStatus.FAILED);
        Snapshot unknown = snapshot(804, WEB, new CreationStatus(CreationStatus.Phase.UNKNOWN, "archived"));

        assertThat(RefusalReason.ofDenied(() -> done.complete(1))).isEqualTo(ReasonCode.INVALID_TRANSITION);
        assertThat(RefusalReason.ofDenied(done::fail)).isEqualTo(ReasonCode.INVALID_TRANSITION);
        assertThat(RefusalReason.ofDenied(() -> failed.complete(1))).isEqualTo(ReasonCode.INVALID_TRANSITION);
        assertThat(RefusalReason.ofDenied(unknown::fail)).isEqualTo(ReasonCode.INVALID_TRANSITION);
    }

    @Test
    void aCompletedSnapshotRestoresOntoItsServerWhichGoesToRestoring() {
        Server after = snapshot(801, WEB, CreationStatus.COMPLETED).restoreOnto(RUNNING);
        assertThat(after.status()).isEqualTo(ServerStatus.RESTORING);
        assertThat(after.ref()).isEqualTo(WEB);
        Server unknownState = new Server(WEB, new ServerStatus(ServerStatus.Kind.UNKNOWN, "maintenance"));
        assertThat(snapshot(801, WEB, CreationStatus.COMPLETED).restoreOnto(unknownState).isRestoring()).isTrue();
    }

    @Test
    void onlyCompletedSnapshotsRestore() {
        for (CreationStatus status : List.of(CreationStatus.IN_PROGRESS, CreationStatus.FAILED,
                new CreationStatus(CreationStatus.Phase.UNKNOWN, "archived"))) {
            assertThat(RefusalReason.ofDenied(() -> snapshot(1, WEB, status).restoreOnto(RUNNING)))
                    .isEqualTo(ReasonCode.SNAPSHOT_NOT_COMPLETED);
        }
    }

    @Test
    void aRestoringServerOrAnotherServerIsNotRestorable() {
        Snapshot done = snapshot(801, WEB, CreationStatus.COMPLETED);
        assertThat(RefusalReason.ofDenied(() -> done.restoreOnto(RESTORING))).isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE);
        assertThat(RefusalReason.ofDenied(() -> done.restoreOnto(new Server(OTHER, ServerStatus.RUNNING))))
                .isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE);
    }

    @Test
    void deletionRefusesInProgressSnapshotsAndRestoringServersOnly() {
        assertThat(RefusalReason.ofDenied(() -> snapshot(1, WEB, CreationStatus.IN_PROGRESS).delete(RUNNING)))
                .isEqualTo(ReasonCode.SNAPSHOT_IN_PROGRESS);
        assertThat(RefusalReason.ofDenied(() -> snapshot(1, WEB, CreationStatus.COMPLETED).delete(RESTORING)))
                .isEqualTo(ReasonCode.SERVER_RESTORING);
        snapshot(1, WEB, CreationStatus.COMPLETED).delete(RUNNING);
        snapshot(2, WEB, CreationStatus.FAILED).delete(RUNNING);
        snapshot(3, WEB, new CreationStatus(CreationStatus.Phase.UNKNOWN, "archived")).delete(RUNNING);
    }

    @Test
    void theQuotaAllowsTheFifthAndRefusesTheSixthCountingEveryStatus() {
        List<Snapshot> existing = new ArrayList<>();
        existing.add(snapshot(1, WEB, CreationStatus.IN_PROGRESS));
        existing.add(snapshot(2, WEB, CreationStatus.FAILED));
        existing.add(snapshot(3, WEB, new CreationStatus(CreationStatus.Phase.UNKNOWN, "weird")));
        existing.add(snapshot(4, WEB, CreationStatus.COMPLETED));
        existing.add(snapshot(9, OTHER, CreationStatus.COMPLETED));
        assertThat(SnapshotQuota.evaluate(WEB.id(), existing, RecoveryLimits.PROVIDER_DOCUMENTED).isAllowed()).isTrue();

        existing.add(snapshot(5, WEB, CreationStatus.IN_PROGRESS));
        Decision sixth = SnapshotQuota.evaluate(WEB.id(), existing, RecoveryLimits.PROVIDER_DOCUMENTED);
        assertThat(sixth).isEqualTo(Decision.deny(ReasonCode.SNAPSHOT_LIMIT_REACHED,
                "Snapshot limit reached: server 12345 already has 5 of its 5 allowed snapshots"));
    }

    @Test
    void theQuotaFollowsATeamsLowerLimitDownToZero() {
        List<Snapshot> one = List.of(snapshot(1, WEB, CreationStatus.COMPLETED));
        assertThat(SnapshotQuota.evaluate(WEB.id(), one, new RecoveryLimits(2, 10)).isAllowed()).isTrue();
        assertThat(SnapshotQuota.evaluate(WEB.id(), one, new RecoveryLimits(1, 10)).isAllowed()).isFalse();
        assertThat(SnapshotQuota.evaluate(WEB.id(), List.of(), new RecoveryLimits(0, 10)).isAllowed()).isFalse();
    }

    @Test
    void providerTextIsKeptAsReportedButNullsAndNegativeSizesAreRefused() {
        Snapshot legacy = new Snapshot(new SnapshotId(5), WEB, "name with spaces.v2", CreationStatus.COMPLETED,
                OptionalLong.of(0), Instant.EPOCH, "multi\nline");
        assertThat(legacy.name()).isEqualTo("name with spaces.v2");
        assertThatThrownBy(() -> new Snapshot(new SnapshotId(5), WEB, "n", CreationStatus.COMPLETED,
                OptionalLong.of(-1), Instant.EPOCH, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Snapshot(new SnapshotId(5), WEB, null, CreationStatus.COMPLETED,
                OptionalLong.empty(), Instant.EPOCH, "")).isInstanceOf(NullPointerException.class);
    }
}
