package org.vpsrecovery.domain.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDeletionPolicy;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.IllegalOperationTransition;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDeletionPolicy;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** A restore's hold on its server: its lifecycle, where it comes from, and what it protects. */
class RestoreHoldLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final ServerRef WEB = new ServerRef(new ServerId(12345), "web-server-01");
    private static final ServerRef DB = new ServerRef(new ServerId(23456), "db-server-01");
    private static final ResourceRef SNAPSHOT_801 = ResourceRef.of(new SnapshotId(801));
    private static final ResourceRef BACKUP_499 = ResourceRef.of(new BackupId(499));

    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId GREEN = new TeamId("green");

    private static RestoreHold hold(ServerRef on, ResourceRef source, ServerId sourceServer) {
        return new RestoreHold(on.id(), BLUE, UUID.randomUUID(), T0, T0.plus(WINDOW), sourceOf(source, sourceServer));
    }

    private static RecoverySource sourceOf(ResourceRef point, ServerId server) {
        return new RecoverySource(RecoverySource.Kind.valueOf(point.type().name()), point.id(), server);
    }

    private static RecoveryOperation restoreFromBackupOfWeb() {
        return RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"), new RequestId("r1"),
                Operation.RESTORE_SERVER_FROM_BACKUP, DB.id(), Optional.of(BACKUP_499), Optional.of(WEB.id()), T0, WINDOW);
    }

    @Test
    void aHeldServerIsRestoringUntilTheWindowEndsOrTheTeamReleasesIt() {
        RestoreHold hold = hold(WEB, SNAPSHOT_801, WEB.id());
        Server restoring = Server.idle(WEB).beginRestore(hold);

        assertThat(restoring.isRestoring()).isTrue();
        assertThat(restoring.hold()).contains(hold);
        assertThat(restoring.releasability(T0.plusSeconds(60)).isAllowed()).isTrue();
        Server released = restoring.releaseRestore(T0.plusSeconds(60));
        assertThat(released.isRestoring()).isFalse();
        assertThat(released.hold()).isEmpty();
        Server finished = restoring.finishRestore(T0.plus(WINDOW));
        assertThat(finished.hold()).isEmpty();
        assertThat(finished.status()).isEqualTo(ServerStatus.UNKNOWN);
        // Released, it takes a new restore.
        assertThat(released.beginRestore(hold(WEB, SNAPSHOT_801, WEB.id())).isRestoring()).isTrue();
    }

    @Test
    void illegalMovesOfTheHoldAreRefused() {
        Server idle = Server.idle(WEB);
        Server restoring = idle.beginRestore(hold(WEB, SNAPSHOT_801, WEB.id()));

        assertThatThrownBy(() -> restoring.beginRestore(hold(WEB, SNAPSHOT_801, WEB.id())))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE));
        assertThatThrownBy(() -> idle.releaseRestore(T0))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.NO_RESTORE_HOLD));
        // A hold whose window has ended is not there to release.
        assertThatThrownBy(() -> restoring.releaseRestore(T0.plus(WINDOW)))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.NO_RESTORE_HOLD));
        assertThatThrownBy(() -> restoring.finishRestore(T0.plusSeconds(60)))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_TRANSITION));
        assertThatThrownBy(() -> idle.finishRestore(T0.plus(WINDOW)))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_TRANSITION));
        // A server carries only its own hold, and only while restoring.
        assertThatThrownBy(() -> idle.beginRestore(hold(DB, SNAPSHOT_801, WEB.id()))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Server(WEB, ServerStatus.RUNNING, Optional.of(hold(WEB, SNAPSHOT_801, WEB.id()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RestoreHold(WEB.id(), BLUE, UUID.randomUUID(), T0, T0, sourceOf(SNAPSHOT_801, WEB.id())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRestoreOperationIsTheHoldUntilItIsFinalOrItsWindowEnds() {
        RecoveryOperation accepted = restoreFromBackupOfWeb();
        RestoreHold hold = accepted.hold(T0.plusSeconds(1)).orElseThrow();

        assertThat(hold.server()).isEqualTo(DB.id());
        assertThat(hold.team()).isEqualTo(accepted.team());
        assertThat(hold.operation()).isEqualTo(accepted.id().value());
        assertThat(hold.since()).isEqualTo(T0);
        assertThat(hold.until()).isEqualTo(T0.plus(WINDOW));
        assertThat(hold.source()).isEqualTo(sourceOf(BACKUP_499, WEB.id()));
        // A lost answer holds too: VPS.org may be restoring.
        assertThat(accepted.answerLost(T0.plusSeconds(2), "read timeout").hold(T0.plusSeconds(3))).isPresent();
        assertThat(accepted.refused(T0.plusSeconds(2), "400").hold(T0.plusSeconds(3))).isEmpty();
        assertThat(accepted.hold(T0.plus(WINDOW))).isEmpty();
        // A snapshot restore reads from its own server.
        RecoveryOperation snapshot = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"),
                new RequestId("r2"), Operation.RESTORE_SNAPSHOT, WEB.id(), Optional.of(SNAPSHOT_801), T0, WINDOW);
        assertThat(snapshot.hold(T0).orElseThrow().source()).isEqualTo(sourceOf(SNAPSHOT_801, WEB.id()));
    }

    @Test
    void onlyALiveRestoreIsReleasedEarly() {
        RecoveryOperation taken = restoreFromBackupOfWeb().taken(Optional.empty(), T0.plusSeconds(1), "restoring");
        RecoveryOperation released = taken.releasedEarly(T0.plusSeconds(60), "released early by blue");

        assertThat(released.state()).isEqualTo(OperationState.RELEASED);
        assertThat(released.isFinal()).isTrue();
        assertThat(released.hold(T0.plusSeconds(61))).isEmpty();
        assertThatThrownBy(() -> released.releasedEarly(T0.plusSeconds(61), null)).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> released.completed(T0.plusSeconds(61), null)).isInstanceOf(IllegalOperationTransition.class);
        // The window counts from VPS.org's answer (T0 + 1 s, session 50): at its end there is nothing left to release.
        assertThatThrownBy(() -> taken.releasedEarly(T0.plusSeconds(1).plus(WINDOW), null))
                .isInstanceOf(IllegalOperationTransition.class);
        RecoveryOperation create = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"), new RequestId("r3"),
                Operation.CREATE_SNAPSHOT, WEB.id(), Optional.empty(), T0, Duration.ofMinutes(30));
        assertThatThrownBy(() -> create.releasedEarly(T0.plusSeconds(1), null)).isInstanceOf(IllegalOperationTransition.class);
        // The source's server is kept only when it is another one.
        assertThatThrownBy(() -> new RecoveryOperation(create.id(), create.team(), create.requestId(), create.kind(),
                create.server(), Optional.empty(), Optional.of(DB.id()), create.state(), T0, T0, T0.plusSeconds(1),
                Optional.empty(), T0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRecoveryPointARestoreReadsIsNotDeletedWhileItsHoldLasts() {
        Snapshot snapshot = new Snapshot(new SnapshotId(801), WEB, "pre-migration", CreationStatus.COMPLETED,
                OptionalLong.empty(), T0.minusSeconds(3600), "");
        Backup backup = new Backup(new BackupId(499), WEB, BackupType.MANUAL, CreationStatus.COMPLETED, OptionalLong.empty(),
                T0.minusSeconds(3600), Optional.empty(), "");
        RestoreHold dbFromBackup = hold(DB, BACKUP_499, WEB.id());

        // WEB itself is not restoring: the hold is on DB, and it still keeps WEB's backup.
        Decision backupDecision = BackupDeletionPolicy.evaluate(backup, Server.idle(WEB), List.of(dbFromBackup), BLUE);
        assertThat(backupDecision).isInstanceOfSatisfying(Decision.Denied.class, denied -> {
            assertThat(denied.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_IN_USE);
            assertThat(denied.detail()).contains("backup 499", "server 23456", dbFromBackup.operation().toString());
        });
        assertThat(SnapshotDeletionPolicy.evaluate(snapshot, Server.idle(WEB), List.of(dbFromBackup), BLUE).isAllowed()).isTrue();
        assertThat(SnapshotDeletionPolicy.evaluate(snapshot, Server.idle(WEB), List.of(hold(WEB, SNAPSHOT_801, WEB.id())), BLUE))
                .isInstanceOfSatisfying(Decision.Denied.class,
                        denied -> assertThat(denied.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_IN_USE));
        assertThat(BackupDeletionPolicy.evaluate(backup, Server.idle(WEB), List.of(), BLUE).isAllowed()).isTrue();
    }

    /**
     * A held server's refusals end with its hold, and say when: a second restore (SERVER_NOT_RESTORABLE) and a delete
     * of its snapshot or backup (SERVER_RESTORING) carry the hold's end as {@code retryAt}, the web adapter's
     * Retry-After, as RECOVERY_POINT_IN_USE does; a server the provider reports restoring with no hold of ours has no
     * end to tell (session 42).
     */
    @Test
    void aHeldServersRefusalsSayWhenTheHoldEnds() {
        RestoreHold hold = hold(WEB, SNAPSHOT_801, WEB.id());
        Server held = Server.idle(WEB).beginRestore(hold);
        Snapshot snapshot = new Snapshot(new SnapshotId(802), WEB, "nightly", CreationStatus.COMPLETED,
                OptionalLong.empty(), T0.minusSeconds(3600), "");
        Backup backup = new Backup(new BackupId(498), WEB, BackupType.MANUAL, CreationStatus.COMPLETED, OptionalLong.empty(),
                T0.minusSeconds(3600), Optional.empty(), "");

        for (Decision refused : List.of(held.restorability(), held.restorabilityFor(BLUE), held.restorabilityFor(GREEN),
                SnapshotDeletionPolicy.evaluate(snapshot, held, List.of(), BLUE),
                BackupDeletionPolicy.evaluate(backup, held, List.of(), BLUE))) {
            assertThat(refused).isInstanceOfSatisfying(Decision.Denied.class, denied -> {
                assertThat(denied.reason()).isIn(ReasonCode.SERVER_NOT_RESTORABLE, ReasonCode.SERVER_RESTORING);
                assertThat(denied.retryAt()).contains(hold.until());
                // The detail says it too: a delete's said "is being restored" alone (session 51).
                assertThat(denied.detail()).contains("until " + hold.until());
            });
        }
        assertThatThrownBy(() -> held.beginRestore(hold(WEB, SNAPSHOT_801, WEB.id())))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.retryAt()).contains(hold.until()));
        Server restoringAtTheProvider = new Server(WEB, ServerStatus.RESTORING);
        assertThat(restoringAtTheProvider.restorability()).isInstanceOfSatisfying(Decision.Denied.class,
                denied -> assertThat(denied.retryAt()).isEmpty());
    }

    /**
     * The teams file moved the servers to GREEN while BLUE's restores held them: GREEN is told each hold's end (its
     * server is held, its point kept until then), never BLUE's operation, source or other server; BLUE, which asked the
     * restores, is told them as before (ADR 0026, amended in session 39).
     */
    @Test
    void anotherTeamIsToldTheHoldsEndButNotWhoseRestoreItIs() {
        Backup backup = new Backup(new BackupId(499), WEB, BackupType.MANUAL, CreationStatus.COMPLETED, OptionalLong.empty(),
                T0.minusSeconds(3600), Optional.empty(), "");
        RestoreHold dbFromBackup = hold(DB, BACKUP_499, WEB.id());
        Server held = Server.idle(WEB).beginRestore(hold(WEB, SNAPSHOT_801, WEB.id()));

        Decision toGreen = BackupDeletionPolicy.evaluate(backup, Server.idle(WEB), List.of(dbFromBackup), GREEN);
        assertThat(toGreen).isInstanceOfSatisfying(Decision.Denied.class, denied -> {
            assertThat(denied.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_IN_USE);
            assertThat(denied.retryAt()).contains(dbFromBackup.until());
            assertThat(denied.detail()).contains("backup 499", dbFromBackup.until().toString())
                    .doesNotContain(dbFromBackup.operation().toString(), "server 23456");
        });
        assertThat(held.restorabilityFor(GREEN)).isInstanceOfSatisfying(Decision.Denied.class, denied -> {
            assertThat(denied.reason()).isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE);
            assertThat(denied.detail()).contains(held.hold().orElseThrow().until().toString())
                    .doesNotContain(held.hold().orElseThrow().operation().toString());
        });
        assertThat(held.hold().orElseThrow().operationToldTo(GREEN)).isEmpty();
        assertThat(held.hold().orElseThrow().sourceToldTo(GREEN)).isEmpty();
        // The team that asked is told its own restore.
        assertThat(((Decision.Denied) held.restorabilityFor(BLUE)).detail()).contains(held.hold().orElseThrow().operation().toString());
        assertThat(((Decision.Denied) BackupDeletionPolicy.evaluate(backup, Server.idle(WEB), List.of(dbFromBackup), BLUE))
                .detail()).contains(dbFromBackup.operation().toString(), "server 23456");
        assertThat(held.hold().orElseThrow().sourceToldTo(BLUE)).contains(sourceOf(SNAPSHOT_801, WEB.id()));
    }
}
