package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * What VPS.org's snapshot and backup calls do, as docs/vpsorg-api.md describes them (and ADR 0003
 * assumes where it is silent), stated once for every model of it: the in-memory fake the
 * application's tests use, and the real client talking to the simulator over HTTP. Each test starts
 * from {@link #ACCOUNT}.
 *
 * <p>Left out on purpose, because the models differ there by design: the limits (in
 * {@link ProviderLimitsContract}, for the implementations that enforce them); how a creation
 * progresses over time (the simulator completes it after a delay, the fake keeps the status a test
 * gave it); failures of the provider or the network (the client's own tests, against the
 * simulator's faults); the order of lists (the provider promises none).
 */
public abstract class ProviderContract {

    /** The implementation under test: its two ports, and a way to let its time pass. */
    public record ProviderUnderTest(SnapshotProvider snapshots, BackupProvider backups, Consumer<Duration> elapse) {
    }

    protected static final Instant AS_OF = Instant.parse("2025-01-16T16:00:00Z");
    protected static final ServerRef WEB = new ServerRef(new ServerId(12345), "web-server-01");
    protected static final ServerRef DB = new ServerRef(new ServerId(23456), "db-server-01");
    protected static final ServerId NO_SUCH_SERVER = new ServerId(99999);
    /** The documented restore takes 5 to 15 minutes. */
    protected static final Duration LONGEST_RESTORE = Duration.ofMinutes(15);

    protected static final Snapshot PRE_MIGRATION = new Snapshot(new SnapshotId(801), WEB, "pre-migration-snapshot",
            CreationStatus.COMPLETED, OptionalLong.of(5120), Instant.parse("2025-01-15T18:30:00Z"), "Before major migration");
    protected static final Snapshot WEEKLY = new Snapshot(new SnapshotId(798), WEB, "weekly-snapshot-2025-01-08",
            CreationStatus.COMPLETED, OptionalLong.of(4856), Instant.parse("2025-01-08T12:00:00Z"), "Weekly snapshot");
    protected static final Snapshot DB_MAKING = new Snapshot(new SnapshotId(803), DB, "db-nightly",
            CreationStatus.IN_PROGRESS, OptionalLong.empty(), AS_OF, "");
    protected static final Snapshot DB_FAILED = new Snapshot(new SnapshotId(804), DB, "db-before-upgrade",
            CreationStatus.FAILED, OptionalLong.empty(), Instant.parse("2025-01-16T11:00:00Z"), "Before the upgrade");

    protected static final Backup DAILY = new Backup(new BackupId(501), WEB, BackupType.AUTOMATIC, CreationStatus.COMPLETED,
            OptionalLong.of(4523), Instant.parse("2025-01-16T03:00:00Z"),
            Optional.of(Instant.parse("2025-02-16T03:00:00Z")), "Automatic daily backup");
    protected static final Backup PRE_UPDATE = new Backup(new BackupId(499), WEB, BackupType.MANUAL, CreationStatus.COMPLETED,
            OptionalLong.of(4456), Instant.parse("2025-01-14T10:30:00Z"), Optional.empty(), "Pre-update backup");
    protected static final Backup OLDER_DAILY = new Backup(new BackupId(495), WEB, BackupType.AUTOMATIC, CreationStatus.COMPLETED,
            OptionalLong.of(4389), Instant.parse("2025-01-15T03:00:00Z"),
            Optional.of(Instant.parse("2025-02-15T03:00:00Z")), "Automatic daily backup");
    protected static final Backup DB_MANUAL_MAKING = new Backup(new BackupId(505), DB, BackupType.MANUAL,
            CreationStatus.IN_PROGRESS, OptionalLong.empty(), AS_OF, Optional.empty(), "");

    /** The documentation's examples on server 12345, and a second server with unfinished work. */
    protected static final ProviderAccount ACCOUNT = new ProviderAccount(AS_OF, List.of(WEB, DB),
            List.of(PRE_MIGRATION, WEEKLY, DB_MAKING, DB_FAILED),
            List.of(DAILY, PRE_UPDATE, OLDER_DAILY, DB_MANUAL_MAKING));

    protected SnapshotProvider snapshots;
    protected BackupProvider backups;
    private Consumer<Duration> elapse;

    /** An implementation holding exactly {@code account}, its clock at {@link ProviderAccount#asOf()}. */
    protected abstract ProviderUnderTest open(ProviderAccount account);

    /** Releases what {@link #open} started; nothing by default. */
    protected void close() {
    }

    @BeforeEach
    final void openTheAccount() {
        ProviderUnderTest provider = open(ACCOUNT);
        snapshots = provider.snapshots();
        backups = provider.backups();
        elapse = provider.elapse();
    }

    @AfterEach
    final void closeTheAccount() {
        close();
    }

    protected void elapse(Duration time) {
        elapse.accept(time);
    }

    protected static ProviderFailure failure(ThrowingCallable call) {
        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, call);
        assertThat(failure).as("a ProviderFailure").isNotNull();
        return failure;
    }

    // ---- snapshots ----

    @Test
    void listsEverySnapshotOfTheAccountFieldForField() {
        assertThat(snapshots.listSnapshots(Optional.empty())).containsExactlyInAnyOrderElementsOf(ACCOUNT.snapshots());
    }

    @Test
    void listsOneServersSnapshots() {
        assertThat(snapshots.listSnapshots(Optional.of(WEB.id()))).containsExactlyInAnyOrder(PRE_MIGRATION, WEEKLY);
        assertThat(snapshots.listSnapshots(Optional.of(DB.id()))).containsExactlyInAnyOrder(DB_MAKING, DB_FAILED);
    }

    @Test
    void aNewSnapshotIsInProgressOnItsServerAndListed() {
        Snapshot created = snapshots.createSnapshot(new SnapshotDraft(WEB.id(), new SnapshotName("before-update-snapshot"),
                Optional.of(new Description("Snapshot before system update"))));

        assertThat(created.id()).isNotIn(ACCOUNT.snapshots().stream().map(Snapshot::id).toList());
        assertThat(created).isEqualTo(new Snapshot(created.id(), WEB, "before-update-snapshot",
                CreationStatus.IN_PROGRESS, OptionalLong.empty(), AS_OF, "Snapshot before system update"));
        assertThat(snapshots.listSnapshots(Optional.of(WEB.id()))).containsExactlyInAnyOrder(PRE_MIGRATION, WEEKLY, created);
    }

    @Test
    void aSnapshotAskedForWithoutDescriptionHasAnEmptyOne() {
        Snapshot created = snapshots.createSnapshot(new SnapshotDraft(DB.id(), new SnapshotName("db_1"), Optional.empty()));

        assertThat(created.description()).isEmpty();
        assertThat(created.server()).isEqualTo(DB);
    }

    @Test
    void noSnapshotForAServerTheAccountLacks() {
        ProviderFailure failure = failure(() -> snapshots.createSnapshot(
                new SnapshotDraft(NO_SUCH_SERVER, new SnapshotName("x"), Optional.empty())));

        assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(snapshots.listSnapshots(Optional.empty())).containsExactlyInAnyOrderElementsOf(ACCOUNT.snapshots());
    }

    @Test
    void restoringASnapshotPutsItsServerRestoring() {
        RestoreStarted started = snapshots.restoreSnapshot(PRE_MIGRATION.id(), WEB.id());

        assertThat(started).isEqualTo(new RestoreStarted(new Server(WEB, ServerStatus.RESTORING)));
    }

    @Test
    void aServerBeingRestoredRefusesAnotherRestoreUntilTheRestoreEnds() {
        snapshots.restoreSnapshot(PRE_MIGRATION.id(), WEB.id());

        assertThat(failure(() -> snapshots.restoreSnapshot(WEEKLY.id(), WEB.id())).kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure(() -> backups.restoreServerFromBackup(WEB.id(), PRE_UPDATE.id())).kind())
                .isEqualTo(Kind.REJECTED);

        elapse(LONGEST_RESTORE);
        assertThat(snapshots.restoreSnapshot(WEEKLY.id(), WEB.id()).server().isRestoring()).isTrue();
    }

    @Test
    void onlyACompletedSnapshotIsRestored() {
        assertThat(failure(() -> snapshots.restoreSnapshot(DB_MAKING.id(), DB.id())).kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure(() -> snapshots.restoreSnapshot(DB_FAILED.id(), DB.id())).kind()).isEqualTo(Kind.REJECTED);
    }

    @Test
    void restoringAnUnknownSnapshotIsNotFound() {
        assertThat(failure(() -> snapshots.restoreSnapshot(new SnapshotId(4242), WEB.id())).kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void aDeletedSnapshotIsGone() {
        snapshots.deleteSnapshot(WEEKLY.id());

        assertThat(snapshots.listSnapshots(Optional.of(WEB.id()))).containsExactly(PRE_MIGRATION);
        assertThat(failure(() -> snapshots.deleteSnapshot(WEEKLY.id())).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(failure(() -> snapshots.restoreSnapshot(WEEKLY.id(), WEB.id())).kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void deletingAnUnknownSnapshotIsNotFound() {
        assertThat(failure(() -> snapshots.deleteSnapshot(new SnapshotId(4242))).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(snapshots.listSnapshots(Optional.empty())).containsExactlyInAnyOrderElementsOf(ACCOUNT.snapshots());
    }

    // ---- backups ----

    @Test
    void listsEveryBackupOfTheAccountFieldForField() {
        assertThat(backups.listBackups(Optional.empty(), Optional.empty()))
                .containsExactlyInAnyOrderElementsOf(ACCOUNT.backups());
    }

    @Test
    void listsBackupsByServerAndByType() {
        assertThat(backups.listBackups(Optional.of(WEB.id()), Optional.of(BackupType.Kind.MANUAL))).containsExactly(PRE_UPDATE);
        assertThat(backups.listBackups(Optional.empty(), Optional.of(BackupType.Kind.AUTOMATIC)))
                .containsExactlyInAnyOrder(DAILY, OLDER_DAILY);
        assertThat(backups.listBackups(Optional.of(DB.id()), Optional.empty())).containsExactly(DB_MANUAL_MAKING);
        assertThat(backups.listBackups(Optional.of(DB.id()), Optional.of(BackupType.Kind.AUTOMATIC))).isEmpty();
    }

    @Test
    void aNewManualBackupIsInProgressNeverExpiresAndIsListed() {
        Backup created = backups.createManualBackup(new BackupDraft(WEB.id(), Optional.of(new Description("Pre-deployment backup"))));

        assertThat(created.id()).isNotIn(ACCOUNT.backups().stream().map(Backup::id).toList());
        assertThat(created).isEqualTo(new Backup(created.id(), WEB, BackupType.MANUAL, CreationStatus.IN_PROGRESS,
                OptionalLong.empty(), AS_OF, Optional.empty(), "Pre-deployment backup"));
        assertThat(created.isManual()).isTrue();
        assertThat(backups.listBackups(Optional.of(WEB.id()), Optional.of(BackupType.Kind.MANUAL)))
                .containsExactlyInAnyOrder(PRE_UPDATE, created);
    }

    @Test
    void noBackupForAServerTheAccountLacks() {
        ProviderFailure failure = failure(() -> backups.createManualBackup(new BackupDraft(NO_SUCH_SERVER, Optional.empty())));

        assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(backups.listBackups(Optional.empty(), Optional.empty())).containsExactlyInAnyOrderElementsOf(ACCOUNT.backups());
    }

    @Test
    void restoringAServerFromABackupPutsItRestoring() {
        assertThat(backups.restoreServerFromBackup(WEB.id(), DAILY.id()))
                .isEqualTo(new RestoreStarted(new Server(WEB, ServerStatus.RESTORING)));
    }

    @Test
    void aBackupCanBeRestoredOntoAnotherServerOfTheAccount() {
        assertThat(backups.restoreServerFromBackup(DB.id(), PRE_UPDATE.id()))
                .isEqualTo(new RestoreStarted(new Server(DB, ServerStatus.RESTORING)));
    }

    @Test
    void onlyACompletedBackupIsRestored() {
        assertThat(failure(() -> backups.restoreServerFromBackup(DB.id(), DB_MANUAL_MAKING.id())).kind())
                .isEqualTo(Kind.REJECTED);
    }

    @Test
    void restoringFromAnUnknownBackupOrOntoAnUnknownServerIsNotFound() {
        assertThat(failure(() -> backups.restoreServerFromBackup(WEB.id(), new BackupId(4242))).kind())
                .isEqualTo(Kind.NOT_FOUND);
        assertThat(failure(() -> backups.restoreServerFromBackup(NO_SUCH_SERVER, DAILY.id())).kind())
                .isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void aDeletedBackupIsGone() {
        backups.deleteBackup(PRE_UPDATE.id());

        assertThat(backups.listBackups(Optional.of(WEB.id()), Optional.empty())).containsExactlyInAnyOrder(DAILY, OLDER_DAILY);
        assertThat(failure(() -> backups.deleteBackup(PRE_UPDATE.id())).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(failure(() -> backups.restoreServerFromBackup(WEB.id(), PRE_UPDATE.id())).kind())
                .isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void deletingAnUnknownBackupIsNotFound() {
        assertThat(failure(() -> backups.deleteBackup(new BackupId(4242))).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(backups.listBackups(Optional.empty(), Optional.empty())).containsExactlyInAnyOrderElementsOf(ACCOUNT.backups());
    }

    @Test
    void automaticBackupsAreGoneAtTheirExpiryAndManualOnesStay() {
        Instant olderExpiry = OLDER_DAILY.expiresAt().orElseThrow();
        elapse(Duration.between(AS_OF, olderExpiry).minusSeconds(1));
        assertThat(backups.listBackups(Optional.empty(), Optional.of(BackupType.Kind.AUTOMATIC)))
                .extracting(Backup::id).containsExactlyInAnyOrder(DAILY.id(), OLDER_DAILY.id());

        elapse(Duration.ofSeconds(1));
        assertThat(backups.listBackups(Optional.empty(), Optional.of(BackupType.Kind.AUTOMATIC)))
                .extracting(Backup::id).containsExactly(DAILY.id());
        assertThat(failure(() -> backups.restoreServerFromBackup(WEB.id(), OLDER_DAILY.id())).kind())
                .isEqualTo(Kind.NOT_FOUND);

        elapse(Duration.ofDays(400));
        assertThat(backups.listBackups(Optional.empty(), Optional.empty()))
                .extracting(Backup::id).containsExactlyInAnyOrder(PRE_UPDATE.id(), DB_MANUAL_MAKING.id());
    }
}
