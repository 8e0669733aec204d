package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.CreationStatus.Phase;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.simulator.Seed;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.UndocumentedAnswers;

/** Values the documentation does not promise, served over HTTP by a simulator seeded with them. */
class UndocumentedValuesContractTest {

    private static final Instant AS_OF = Instant.parse("2025-01-16T16:00:00Z");

    private static final Seed ODD_ACCOUNT = new Seed(AS_OF, List.of(new Seed.AccountSeed("demo-token",
            List.of(new Seed.ServerSeed(700, "legacy", "maintenance", 100), new Seed.ServerSeed(701, "", "stopped", 50)),
            List.of(new Seed.SnapshotSeed(1, 700, "a", "failed", null, AS_OF, ""),
                    new Seed.SnapshotSeed(2, 700, "b", "queued_for_archive", 10L, AS_OF, ""),
                    new Seed.SnapshotSeed(3, 700, "c", "completed", 10L, AS_OF, "")),
            List.of(new Seed.BackupSeed(9, 701, "replicated", "error", null, AS_OF, null, ""),
                    new Seed.BackupSeed(8, 701, "automatic", "completed", 20L, AS_OF, null, "")))));

    @Test
    void unknownStatusesAndTypesAreKeptVerbatimAndNullsTolerated() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withSeed(ODD_ACCOUNT, true), s -> s)) {
            List<Snapshot> snapshots = vpsOrg.client.listSnapshots(Optional.empty());
            List<Backup> backups = vpsOrg.client.listBackups(Optional.empty(), Optional.empty());

            assertThat(snapshots).extracting(Snapshot::status).containsExactly(
                    CreationStatus.COMPLETED,
                    new CreationStatus(Phase.UNKNOWN, "queued_for_archive"),
                    CreationStatus.FAILED);
            assertThat(snapshots.get(2).sizeMb()).isEmpty();
            assertThat(backups.get(0).type()).isEqualTo(new BackupType(BackupType.Kind.UNKNOWN, "replicated"));
            assertThat(backups.get(0).status()).isEqualTo(new CreationStatus(Phase.FAILED, "error"));
            assertThat(backups.get(0).server().name()).isEmpty();
            assertThat(backups.get(1).expiresAt()).isEmpty();
        }
    }

    /** Session 37: one backup listed with a negative size made the whole account's list unreadable (502 for every team). */
    @Test
    void aBackupWithANegativeSizeIsListedWithoutASizeAndTheOthersAsTheyAre() {
        Seed account = new Seed(AS_OF, List.of(new Seed.AccountSeed("demo-token",
                List.of(new Seed.ServerSeed(700, "web", "running", 100), new Seed.ServerSeed(701, "db", "running", 50)),
                List.of(),
                List.of(new Seed.BackupSeed(9, 701, "manual", "completed", -1L, AS_OF, null, "odd"),
                        new Seed.BackupSeed(8, 700, "automatic", "completed", 20L, AS_OF, AS_OF.plusSeconds(86_400), "")))));
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withSeed(account, true), s -> s)) {
            List<Backup> backups = vpsOrg.client.listBackups(Optional.empty(), Optional.empty());

            assertThat(backups).extracting(b -> b.id().value()).containsExactlyInAnyOrder(9L, 8L);
            assertThat(backups).filteredOn(b -> b.id().value() == 9).singleElement()
                    .satisfies(odd -> assertThat(odd.sizeMb()).isEmpty());
            assertThat(backups).filteredOn(b -> b.id().value() == 8).singleElement()
                    .satisfies(b -> assertThat(b.sizeMb()).hasValue(20));
        }
    }

    @Test
    void aServerInAnUndocumentedStateCanBeRestoredAndIsReportedRestoring() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withSeed(ODD_ACCOUNT, true), s -> s)) {
            ServerStatus status = vpsOrg.client.restoreSnapshot(new SnapshotId(3), new ServerId(700)).server().status();

            assertThat(status).isEqualTo(ServerStatus.RESTORING);
        }
    }

    /**
     * Session 50: the backup restore's answers are not documented for us. A {@code 202 {"status": "accepted"}} is a
     * yes: the restore started on the asked server (its status unknown), not an unknown outcome (504 to the team, the
     * restore UNRESOLVED then UNVERIFIABLE though VPS.org was restoring).
     */
    @Test
    void aRestoreAnsweredAcceptedWithNothingElseStartedOnTheAskedServer() {
        UnaryOperator<SimulatorOptions> accepted = options -> options.withUndocumentedAnswers(
                UndocumentedAnswers.none().withRestoreAnswer(UndocumentedAnswers.RestoreAnswer.ACCEPTED));
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(accepted, s -> s)) {
            RestoreStarted fromBackup = vpsOrg.client.restoreServerFromBackup(new ServerId(12345), new BackupId(499));

            assertThat(fromBackup.server().ref().id()).isEqualTo(new ServerId(12345));
            assertThat(fromBackup.server().status()).isEqualTo(ServerStatus.UNKNOWN);
            vpsOrg.receivedOnce("POST", "/api/v1/servers/12345/restore/");
        }
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(accepted, s -> s)) {
            RestoreStarted fromSnapshot = vpsOrg.client.restoreSnapshot(new SnapshotId(801), new ServerId(12345));

            assertThat(fromSnapshot.server().ref().id()).isEqualTo(new ServerId(12345));
            assertThat(fromSnapshot.server().status()).isEqualTo(ServerStatus.UNKNOWN);
        }
    }
}
