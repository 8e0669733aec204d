package org.vpsrecovery.domain.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ProviderClock;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.testing.RefusalReason;

class BackupLifecycleTest {

    private static final ServerRef WEB = new ServerRef(new ServerId(12345), "web-server-01");
    private static final ServerRef OTHER = new ServerRef(new ServerId(23456), "db-01");
    private static final Server RUNNING = new Server(WEB, ServerStatus.RUNNING);
    private static final Server RESTORING = new Server(WEB, ServerStatus.RESTORING);
    private static final Instant NOW = Instant.parse("2025-02-01T00:00:00Z");
    private static final Instant EXPIRY = Instant.parse("2025-02-16T03:00:00Z");

    private static Backup backup(long id, ServerRef server, BackupType type, CreationStatus status, Instant expiresAt) {
        return new Backup(new BackupId(id), server, type, status, OptionalLong.empty(),
                Instant.parse("2025-01-16T03:00:00Z"), Optional.ofNullable(expiresAt), "");
    }

    private static Backup automatic(Instant expiresAt) {
        return backup(501, WEB, BackupType.AUTOMATIC, CreationStatus.COMPLETED, expiresAt);
    }

    @Test
    void anInProgressBackupCompletesOrFailsOnce() {
        Backup making = backup(502, WEB, BackupType.MANUAL, CreationStatus.IN_PROGRESS, null);
        Backup done = making.complete(4456);
        assertThat(done.isCompleted()).isTrue();
        assertThat(done.sizeMb()).hasValue(4456);
        assertThat(making.fail().status()).isEqualTo(CreationStatus.FAILED);
        assertThat(RefusalReason.ofDenied(() -> done.complete(1))).isEqualTo(ReasonCode.INVALID_TRANSITION);
        assertThat(RefusalReason.ofDenied(() -> making.fail().fail())).isEqualTo(ReasonCode.INVALID_TRANSITION);
    }

    /**
     * VPS.org removes an automatic backup at {@code expires_at} on its own clock, which may be behind ours: at our
     * {@code expires_at} it may still hold it and restore from it. Expired, for the reports, once its clock has certainly
     * reached it, {@code ProviderClock.TOLERANCE} after on ours (ADR 0003, amended in session 48).
     */
    @Test
    void automaticBackupsExpireOnceVpsOrgsClockHasCertainlyReachedExpiresAt() {
        Instant certainlyReached = EXPIRY.plus(ProviderClock.TOLERANCE);
        assertThat(automatic(EXPIRY).isExpiredAt(EXPIRY.minusNanos(1))).isFalse();
        assertThat(automatic(EXPIRY).isExpiredAt(EXPIRY)).as("VPS.org's clock may be behind ours").isFalse();
        assertThat(automatic(EXPIRY).isExpiredAt(certainlyReached.minusNanos(1))).isFalse();
        assertThat(automatic(EXPIRY).isExpiredAt(certainlyReached)).isTrue();
        assertThat(automatic(EXPIRY).isExpiredAt(certainlyReached.plusSeconds(1))).isTrue();
        assertThat(automatic(null).isExpiredAt(EXPIRY.plus(Duration.ofDays(3650)))).isFalse();
    }

    /**
     * The restore's check reads the backup fresh from VPS.org's list: one it lists, it still holds, whatever
     * {@code expires_at} says, so a restore of it is made and VPS.org's own answer recorded (ADR 0003, amended in
     * session 49). It was refused {@code BACKUP_EXPIRED} from {@code expires_at} + 5 min on our clock.
     */
    @Test
    void aListedAutomaticBackupRestoresWhateverItsExpiresAtSays() {
        assertThat(automatic(EXPIRY).restoreOnto(RUNNING).isRestoring()).isTrue();
        assertThat(automatic(EXPIRY).isExpiredAt(EXPIRY.plus(Duration.ofDays(1)))).isTrue();
        assertThat(BackupRestorePolicy.evaluate(automatic(EXPIRY), RUNNING).isAllowed())
                .as("a day past expires_at, still listed: VPS.org's to restore or refuse").isTrue();
    }

    @Test
    void manualBackupsNeverExpireEvenIfTheProviderSendsADate() {
        Backup manual = backup(499, WEB, BackupType.MANUAL, CreationStatus.COMPLETED, EXPIRY);
        assertThat(manual.isExpiredAt(EXPIRY.plus(Duration.ofDays(3650)))).isFalse();
        assertThat(manual.restoreOnto(RUNNING).isRestoring()).isTrue();
    }

    @Test
    void restoringRequiresACompletedBackupAndARestorableServer() {
        assertThat(automatic(EXPIRY).restoreOnto(RUNNING).status()).isEqualTo(ServerStatus.RESTORING);
        assertThat(RefusalReason.ofDenied(() -> backup(1, WEB, BackupType.MANUAL, CreationStatus.IN_PROGRESS, null).restoreOnto(RUNNING)))
                .isEqualTo(ReasonCode.BACKUP_NOT_COMPLETED);
        assertThat(RefusalReason.ofDenied(() -> backup(1, WEB, BackupType.MANUAL, new CreationStatus(CreationStatus.Phase.UNKNOWN, "verifying"), null).restoreOnto(RUNNING)))
                .isEqualTo(ReasonCode.BACKUP_NOT_COMPLETED);
        assertThat(RefusalReason.ofDenied(() -> automatic(EXPIRY).restoreOnto(RESTORING)))
                .isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE);
    }

    @Test
    void aBackupMayRestoreOntoAnotherServer() {
        Server other = new Server(OTHER, ServerStatus.STOPPED);
        assertThat(automatic(EXPIRY).restoreOnto(other).ref()).isEqualTo(OTHER);
    }

    @Test
    void deletionRefusesInProgressBackupsAndRestoringServers() {
        assertThat(RefusalReason.ofDenied(() -> backup(1, WEB, BackupType.MANUAL, CreationStatus.IN_PROGRESS, null).delete(RUNNING)))
                .isEqualTo(ReasonCode.BACKUP_IN_PROGRESS);
        assertThat(RefusalReason.ofDenied(() -> automatic(EXPIRY).delete(RESTORING))).isEqualTo(ReasonCode.SERVER_RESTORING);
        automatic(EXPIRY).delete(RUNNING);
        backup(2, WEB, BackupType.MANUAL, CreationStatus.FAILED, null).delete(RUNNING);
    }

    @Test
    void theManualQuotaAllowsTheTenthRefusesTheEleventhAndIgnoresAutomaticAndUnknownTypes() {
        List<Backup> existing = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            existing.add(backup(i, WEB, BackupType.MANUAL, i == 1 ? CreationStatus.IN_PROGRESS : CreationStatus.COMPLETED, null));
        }
        for (int i = 20; i < 40; i++) {
            existing.add(backup(i, WEB, BackupType.AUTOMATIC, CreationStatus.COMPLETED, EXPIRY));
        }
        existing.add(backup(50, WEB, new BackupType(BackupType.Kind.UNKNOWN, "archive"), CreationStatus.COMPLETED, null));
        existing.add(backup(51, OTHER, BackupType.MANUAL, CreationStatus.COMPLETED, null));
        assertThat(ManualBackupQuota.evaluate(WEB.id(), existing, RecoveryLimits.PROVIDER_DOCUMENTED).isAllowed()).isTrue();

        existing.add(backup(10, WEB, BackupType.MANUAL, CreationStatus.FAILED, null));
        var eleventh = ManualBackupQuota.evaluate(WEB.id(), existing, RecoveryLimits.PROVIDER_DOCUMENTED);
        assertThat(eleventh.isAllowed()).isFalse();
        assertThat(((org.vpsrecovery.domain.common.Decision.Denied) eleventh).reason())
                .isEqualTo(ReasonCode.MANUAL_BACKUP_LIMIT_REACHED);
        // VPS.org's own words, which clients look for (docs/vpsorg-api.md; session 51).
        assertThat(((org.vpsrecovery.domain.common.Decision.Denied) eleventh).detail())
                .isEqualTo("Manual backup limit reached: server 12345 already has 10 of its 10 allowed manual backups");
        assertThat(ManualBackupQuota.evaluate(WEB.id(), List.of(), new RecoveryLimits(5, 0)).isAllowed()).isFalse();
    }

    @Test
    void aBackupOfAnUnknownTypeKeepsItsLabelAndNeverCountsAsManual() {
        Backup odd = backup(50, WEB, new BackupType(BackupType.Kind.UNKNOWN, "archive"), CreationStatus.COMPLETED, null);
        assertThat(odd.type().label()).isEqualTo("archive");
        assertThat(odd.isManual()).isFalse();
        assertThat(backup(51, WEB, BackupType.MANUAL, CreationStatus.COMPLETED, null).isManual()).isTrue();
        assertThatThrownBy(() -> new BackupType(BackupType.Kind.UNKNOWN, " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
