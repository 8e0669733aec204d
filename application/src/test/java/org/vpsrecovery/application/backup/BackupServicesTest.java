package org.vpsrecovery.application.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.GREEN_SERVER;
import static org.vpsrecovery.application.PlatformFixture.SPARE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerStatus;

class BackupServicesTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final Instant now = platform.clock.instant();

    private Backup manual(long id, CreationStatus status) {
        return platform.provider.addBackup(id, platform.web, BackupType.MANUAL, status, Optional.empty());
    }

    private Backup automatic(long id, Instant expiresAt) {
        return platform.provider.addBackup(id, platform.web, BackupType.AUTOMATIC, CreationStatus.COMPLETED,
                Optional.of(expiresAt));
    }

    private Backup create(CallContext context, ServerId server) {
        return platform.createManualBackup().createManualBackup(
                new CreateManualBackupCommand(context, server, Optional.of(new Description("Pre-deployment backup"))));
    }

    private BackupRestoreStarted restore(CallContext context, ServerId server, BackupId backup) {
        return platform.restoreServerFromBackup().restoreServerFromBackup(
                new RestoreServerFromBackupCommand(context, server, backup));
    }

    private static ReasonCode reasonOf(Throwable e) {
        return ((RecoveryException) e).reason();
    }

    @Test
    void theTenthManualBackupIsAllowedTheEleventhRefusedAndAutomaticOnesDoNotCount() {
        for (int i = 0; i < 9; i++) {
            manual(600 + i, i == 0 ? CreationStatus.IN_PROGRESS : CreationStatus.COMPLETED);
        }
        for (int i = 0; i < 4; i++) {
            automatic(700 + i, now.plus(Duration.ofDays(10)));
        }
        CallContext tenth = platform.as(BLUE);
        Backup created = create(tenth, WEB);
        assertThat(created.isManual()).isTrue();
        assertThat(created.expiresAt()).isEmpty();
        assertThat(platform.eventsOf(tenth).get(1).resource()).contains(ResourceRef.of(created.id()));

        CallContext eleventh = platform.as(BLUE);
        assertThatThrownBy(() -> create(eleventh, WEB))
                .isInstanceOf(RecoveryDenied.class)
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.MANUAL_BACKUP_LIMIT_REACHED));
        assertThat(platform.provider.manualBackupCount(WEB)).isEqualTo(10);
        assertThat(platform.outcomesOf(eleventh)).containsExactly(Outcome.Kind.REJECTED);
    }

    /**
     * A list joined from pages can leave out a manual backup that is there (ADR 0010, amended in session 38): the limit
     * is checked on the list read consistently, so the eleventh is refused before VPS.org is asked.
     */
    @Test
    void aManualBackupLeftOutOfAPagedListStillCountsAgainstTheLimit() {
        for (int i = 0; i < 10; i++) {
            manual(600 + i, CreationStatus.COMPLETED);
        }
        platform.provider.leaveOutOfPagedLists(new ResourceRef(ResourceRef.Type.BACKUP, 600));

        CallContext eleventh = platform.as(BLUE);
        assertThatThrownBy(() -> create(eleventh, WEB))
                .isInstanceOf(RecoveryDenied.class)
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.MANUAL_BACKUP_LIMIT_REACHED));
        assertThat(platform.provider.manualBackupCount(WEB)).isEqualTo(10);
    }

    @Test
    void anotherTeamsServerGetsNoBackup() {
        assertThatThrownBy(() -> create(platform.as(BLUE), GREEN_SERVER))
                .isInstanceOf(ResourceNotFound.class)
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SERVER_NOT_FOUND));
        assertThat(platform.provider.calls()).isEmpty();
    }

    @Test
    void restoresFromACompletedUnexpiredBackup() {
        Backup daily = automatic(501, now.plus(Duration.ofDays(30)));
        CallContext context = platform.as(BLUE);

        BackupRestoreStarted started = restore(context, WEB, daily.id());

        assertThat(started.backup().id()).isEqualTo(daily.id());
        assertThat(started.server().status()).isEqualTo(ServerStatus.RESTORING);
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
    }

    /**
     * An automatic backup VPS.org still lists past its {@code expires_at} (removed by a purge later than that) is
     * restored: the check reads it fresh from VPS.org's list, so VPS.org still holds it. It was refused {@code
     * BACKUP_EXPIRED}, which in a disaster blocked a restore from the last backup (ADR 0003, amended in session 49). An
     * old manual backup restores as before.
     */
    @Test
    void anAutomaticBackupVpsOrgStillListsPastItsExpiryIsRestoredAsAnOldManualOneIs() {
        platform.provider.keepListingExpiredBackups(); // the provider has not removed it yet
        Backup listed = automatic(495, now.minus(Duration.ofHours(1)));
        Backup old = platform.provider.addBackup(499, platform.web, BackupType.MANUAL, CreationStatus.COMPLETED,
                Optional.of(now.minus(Duration.ofDays(400))));
        CallContext context = platform.as(BLUE);

        assertThat(restore(context, WEB, listed.id()).server().status()).isEqualTo(ServerStatus.RESTORING);
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        assertThat(platform.providerCallsStartingWith("restore")).isOne();
        assertThat(restore(platform.as(BLUE), SPARE, old.id()).server().status()).isEqualTo(ServerStatus.RESTORING);
    }

    /**
     * VPS.org's clock 10 minutes behind ours: 6 minutes past {@code expires_at} on ours it still lists and holds the
     * backup, and restores from it (it was refused {@code BACKUP_EXPIRED} from 5 minutes past; ADR 0003, amended in
     * session 49).
     */
    @Test
    void anAutomaticBackupVpsOrgsClockFarBehindStillHoldsIsRestored() {
        platform.provider.clockOffFromOursBy(Duration.ofMinutes(-10));
        Backup daily = automatic(502, now.minus(Duration.ofMinutes(6)));
        CallContext context = platform.as(BLUE);

        assertThat(restore(context, WEB, daily.id()).server().status()).isEqualTo(ServerStatus.RESTORING);
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
    }

    /** One VPS.org removed at its {@code expires_at} is not in its list: refused as not found, VPS.org not asked. */
    @Test
    void anAutomaticBackupVpsOrgRemovedIsNotFound() {
        Backup gone = automatic(496, now.minus(Duration.ofMinutes(1)));
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> restore(context, WEB, gone.id()))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.BACKUP_NOT_FOUND));
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
    }

    /**
     * VPS.org's clock 3 minutes behind ours: a minute past an automatic backup's {@code expires_at} on our clock it still
     * holds the backup and restores from it. The platform refused it as expired, a reason VPS.org's state did not bear
     * out (ADR 0003, amended in session 48).
     */
    @Test
    void anAutomaticBackupJustPastItsExpiryOnOurClockIsRestoredWhileVpsOrgsClockBehindStillHoldsIt() {
        platform.provider.clockOffFromOursBy(Duration.ofMinutes(-3));
        Backup daily = automatic(502, now.minusSeconds(60));
        CallContext context = platform.as(BLUE);

        assertThat(restore(context, WEB, daily.id()).server().status()).isEqualTo(ServerStatus.RESTORING);
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
    }

    /**
     * A manual backup of a server a restore holds is refused {@code SERVER_RESTORING}, VPS.org not asked: the restore
     * overwrites the data it would copy (ADR 0003, amended in session 49). Before, the backup was made.
     */
    @Test
    void noManualBackupIsMadeOfAServerARestoreHolds() {
        Backup daily = automatic(501, now.plus(Duration.ofDays(30)));
        restore(platform.as(BLUE), WEB, daily.id());
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> create(context, WEB))
                .isInstanceOfSatisfying(RecoveryDenied.class, denied -> {
                    assertThat(denied.reason()).isEqualTo(ReasonCode.SERVER_RESTORING);
                    assertThat(denied.retryAt()).isPresent();
                });
        assertThat(platform.providerCallsStartingWith("create backup")).isZero();
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.REJECTED);
        assertThat(create(platform.as(BLUE), SPARE).server().id()).as("another server is not held").isEqualTo(SPARE);
    }

    @Test
    void anUnfinishedBackupIsNotRestored() {
        Backup running = manual(610, CreationStatus.IN_PROGRESS);
        assertThatThrownBy(() -> restore(platform.as(BLUE), WEB, running.id()))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.BACKUP_NOT_COMPLETED));
    }

    @Test
    void aBackupRestoresOntoAnotherOfTheTeamsServersButNotOntoAnotherTeams() {
        Backup backup = manual(499, CreationStatus.COMPLETED);

        assertThat(restore(platform.as(BLUE), SPARE, backup.id()).server().id()).isEqualTo(SPARE);

        assertThatThrownBy(() -> restore(platform.as(BLUE), GREEN_SERVER, backup.id()))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SERVER_NOT_FOUND));
        assertThatThrownBy(() -> restore(platform.as(GREEN), GREEN_SERVER, backup.id()))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.BACKUP_NOT_FOUND));
    }

    @Test
    void deletesAFinishedBackupButNotOneInProgressNorOneOfARestoringServer() {
        Backup done = manual(499, CreationStatus.COMPLETED);
        Backup running = manual(610, CreationStatus.IN_PROGRESS);
        Backup other = manual(611, CreationStatus.COMPLETED);
        Backup kept = manual(612, CreationStatus.COMPLETED);
        var delete = platform.deleteBackup();

        var deleting = platform.as(BLUE);
        delete.deleteBackup(new DeleteBackupCommand(deleting, done.id()));
        assertThat(platform.provider.backup(done.id())).isEmpty();
        // What the check saw is on record: once deleted, it is the only sight of how the backup ended.
        assertThat(platform.eventsOf(deleting)).allSatisfy(e ->
                assertThat(e.detail()).containsEntry(AuditEvent.RECOVERY_POINT_STATUS, "completed"));

        assertThatThrownBy(() -> delete.deleteBackup(new DeleteBackupCommand(platform.as(BLUE), running.id())))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.BACKUP_IN_PROGRESS));

        restore(platform.as(BLUE), WEB, other.id());
        // Another backup of the restoring server is kept; the one the restore reads is named for what it is.
        assertThatThrownBy(() -> delete.deleteBackup(new DeleteBackupCommand(platform.as(BLUE), kept.id())))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SERVER_RESTORING));
        assertThat(platform.provider.backup(kept.id())).isPresent();
        assertThatThrownBy(() -> delete.deleteBackup(new DeleteBackupCommand(platform.as(BLUE), other.id())))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.RECOVERY_POINT_IN_USE));
        assertThat(platform.provider.backup(other.id())).isPresent();
    }

    @Test
    void aDeleteOrRestoreWhoseBackupLookupFailsAtTheProviderIsAuditedFailedAndNothingIsAsked() {
        Backup backup = manual(499, CreationStatus.COMPLETED);
        CallContext deleteAttempt = platform.as(BLUE);
        CallContext restoreAttempt = platform.as(BLUE);
        var timeout = new ProviderFailure(ProviderFailure.Kind.TIMEOUT, "VPS.org did not answer in time");

        platform.provider.failNextCallWith(timeout);
        assertThatThrownBy(() -> platform.deleteBackup().deleteBackup(new DeleteBackupCommand(deleteAttempt, backup.id())))
                .isSameAs(timeout);
        platform.provider.failNextCallWith(timeout);
        assertThatThrownBy(() -> restore(restoreAttempt, WEB, backup.id())).isSameAs(timeout);

        for (CallContext context : new CallContext[] {deleteAttempt, restoreAttempt}) {
            assertThat(platform.eventsOf(context)).singleElement().satisfies(event -> {
                assertThat(event.outcome()).isEqualTo(new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, "VPS.org did not answer in time"));
                assertThat(event.resource()).contains(ResourceRef.of(backup.id()));
            });
        }
        assertThat(platform.providerCallsStartingWith("delete")).isZero();
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(platform.provider.backup(backup.id())).isPresent();
    }

    @Test
    void anotherTeamsBackupIsNotFoundForDeletion() {
        Backup backup = manual(499, CreationStatus.COMPLETED);
        assertThatThrownBy(() -> platform.deleteBackup().deleteBackup(new DeleteBackupCommand(platform.as(GREEN), backup.id())))
                .isInstanceOf(ResourceNotFound.class)
                .hasMessage("backup 499 not found");
        assertThat(platform.provider.backup(backup.id())).isPresent();
    }

    @Test
    void listsTheTeamsBackupsByServerAndType() {
        manual(499, CreationStatus.COMPLETED);
        automatic(501, now.plus(Duration.ofDays(30)));
        platform.provider.addBackup(800, platform.greenServer, BackupType.MANUAL, CreationStatus.COMPLETED, Optional.empty());
        var list = platform.listBackups();

        assertThat(list.listBackups(new ListBackupsQuery(BLUE, Optional.empty(), Optional.empty())))
                .extracting(b -> b.id().value()).containsExactly(499L, 501L);
        assertThat(list.listBackups(new ListBackupsQuery(BLUE, Optional.of(WEB), Optional.of(new org.vpsrecovery.domain.backup.BackupTypeFilter("automatic")))))
                .extracting(b -> b.id().value()).containsExactly(501L);
        assertThat(list.listBackups(new ListBackupsQuery(BLUE, Optional.of(GREEN_SERVER), Optional.empty())))
                .isEmpty();
    }
}
