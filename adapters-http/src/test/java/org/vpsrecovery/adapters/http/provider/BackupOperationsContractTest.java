package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.simulator.RecordedRequest;

/** The three backup endpoints and the Servers API's restore, over real HTTP against the simulator. */
class BackupOperationsContractTest {

    private static final ServerId WEB = new ServerId(12345);
    private static final ServerId DB = new ServerId(23456);

    private final ObjectMapper jackson = new ObjectMapper();
    private SimulatedVpsOrg vpsOrg;

    @BeforeEach
    void start() {
        vpsOrg = SimulatedVpsOrg.start();
    }

    @AfterEach
    void stop() {
        vpsOrg.close();
    }

    @Test
    void listsAllBackupsInTheProvidersOrder() {
        List<Backup> backups = vpsOrg.client.listBackups(Optional.empty(), Optional.empty());

        assertThat(backups).extracting(b -> b.id().value()).containsExactly(501L, 499L, 495L);
        Backup automatic = backups.get(0);
        assertThat(automatic.type()).isEqualTo(BackupType.AUTOMATIC);
        assertThat(automatic.expiresAt()).isPresent();
        assertThat(automatic.isExpiredAt(Instant.now())).isFalse();
        Backup manual = backups.get(1);
        assertThat(manual.isManual()).isTrue();
        assertThat(manual.expiresAt()).isEmpty();
        assertThat(manual.sizeMb()).hasValue(4456);
        assertThat(manual.description()).isEqualTo("Pre-update backup");

        RecordedRequest request = vpsOrg.receivedOnce("GET", "/api/v1/backups/");
        assertThat(request.query()).isEmpty();
        assertThat(request.header("Authorization")).hasValue("Bearer demo-token");
        assertThat(request.header("Content-Type")).hasValue("application/json");
    }

    @Test
    void filtersByServerAndByType() {
        assertThat(vpsOrg.client.listBackups(Optional.of(WEB), Optional.of(BackupType.Kind.MANUAL)))
                .extracting(b -> b.id().value()).containsExactly(499L);
        assertThat(vpsOrg.client.listBackups(Optional.empty(), Optional.of(BackupType.Kind.AUTOMATIC)))
                .extracting(b -> b.id().value()).containsExactly(501L, 495L);
        assertThat(vpsOrg.client.listBackups(Optional.of(DB), Optional.empty())).isEmpty();

        assertThat(vpsOrg.received("GET", "/api/v1/backups/")).extracting(RecordedRequest::query)
                .containsExactly("server_id=12345&backup_type=manual", "backup_type=automatic", "server_id=23456");
    }

    @Test
    void createsAManualBackupAndSendsTheDocumentedBody() throws Exception {
        Backup created = vpsOrg.client.createManualBackup(new BackupDraft(WEB,
                Optional.of(new Description("Pre-deployment backup"))));

        assertThat(created.id()).isEqualTo(new BackupId(502));
        assertThat(created.isManual()).isTrue();
        assertThat(created.status()).isEqualTo(CreationStatus.IN_PROGRESS);
        assertThat(created.sizeMb()).isEmpty();
        assertThat(created.expiresAt()).isEmpty();
        assertThat(created.description()).isEqualTo("Pre-deployment backup");

        RecordedRequest request = vpsOrg.receivedOnce("POST", "/api/v1/backups/");
        assertThat(request.header("Authorization")).hasValue("Bearer demo-token");
        assertThat(request.header("Content-Type")).hasValue("application/json");
        assertThat(jackson.readTree(request.body()))
                .isEqualTo(jackson.readTree("{\"server_id\": 12345, \"description\": \"Pre-deployment backup\"}"));
    }

    @Test
    void aCreatedBackupCompletesWithItsSizeAfterTheProvidersDelay() {
        vpsOrg.client.createManualBackup(new BackupDraft(DB, Optional.empty()));
        assertThat(vpsOrg.receivedOnce("POST", "/api/v1/backups/").body()).isEqualTo("{\"server_id\":23456}");

        vpsOrg.simulator.clock().advance(Duration.ofSeconds(5));

        assertThat(vpsOrg.client.listBackups(Optional.of(DB), Optional.empty())).singleElement().satisfies(b -> {
            assertThat(b.isCompleted()).isTrue();
            assertThat(b.sizeMb()).hasValue(9200);
        });
    }

    @Test
    void theEleventhManualBackupIsRefusedAsALimitWhileAutomaticOnesDoNotCount() {
        for (int i = 0; i < 9; i++) { // 499 is the first manual backup of server 12345
            vpsOrg.client.createManualBackup(new BackupDraft(WEB, Optional.empty()));
        }

        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.createManualBackup(new BackupDraft(WEB, Optional.empty())));

        assertThat(failure.kind()).isEqualTo(Kind.LIMIT_REACHED);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(400));
        assertThat(failure.getMessage()).contains("at most 10 manual backups");
    }

    @Test
    void creatingForAServerThatDoesNotExistIsNotFound() {
        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.createManualBackup(new BackupDraft(new ServerId(99999), Optional.empty())));

        assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(404));
    }

    @Test
    void deletesABackup() {
        vpsOrg.client.deleteBackup(new BackupId(499));

        assertThat(vpsOrg.client.listBackups(Optional.empty(), Optional.empty()))
                .extracting(b -> b.id().value()).containsExactly(501L, 495L);
        assertThat(vpsOrg.receivedOnce("DELETE", "/api/v1/backups/499/").header("Authorization")).hasValue("Bearer demo-token");
    }

    @Test
    void deletingAnUnknownBackupIsNotFound() {
        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.deleteBackup(new BackupId(4242)));

        assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(404));
    }

    @Test
    void restoresAServerFromABackupWithTheDocumentedBody() throws Exception {
        RestoreStarted restore = vpsOrg.client.restoreServerFromBackup(WEB, new BackupId(501));

        assertThat(restore.server().id()).isEqualTo(WEB);
        assertThat(restore.server().status()).isEqualTo(ServerStatus.RESTORING);
        RecordedRequest request = vpsOrg.receivedOnce("POST", "/api/v1/servers/12345/restore/");
        assertThat(request.header("Authorization")).hasValue("Bearer demo-token");
        assertThat(request.header("Content-Type")).hasValue("application/json");
        assertThat(jackson.readTree(request.body())).isEqualTo(jackson.readTree("{\"backup_id\": 501}"));
    }

    @Test
    void aBackupCanBeRestoredOntoAnotherServerOfTheAccount() {
        RestoreStarted restore = vpsOrg.client.restoreServerFromBackup(DB, new BackupId(499));

        assertThat(restore.server().ref().name()).isEqualTo("db-server-01");
        assertThat(restore.server().isRestoring()).isTrue();
    }

    @Test
    void restoringWhileRestoringIsRefusedUntilTheServerRunsAgain() {
        vpsOrg.client.restoreServerFromBackup(WEB, new BackupId(501));

        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.restoreServerFromBackup(WEB, new BackupId(499)));
        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(400));

        vpsOrg.simulator.clock().advance(Duration.ofSeconds(10));
        assertThat(vpsOrg.client.restoreServerFromBackup(WEB, new BackupId(499)).server().isRestoring()).isTrue();
    }

    @Test
    void aBackupStillInProgressCannotBeRestored() {
        Backup fresh = vpsOrg.client.createManualBackup(new BackupDraft(WEB, Optional.empty()));

        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.restoreServerFromBackup(WEB, fresh.id()));

        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.getMessage()).contains("not completed");
    }

    @Test
    void restoringFromAnUnknownBackupOrOntoAnUnknownServerIsNotFound() {
        ProviderFailure noBackup = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.restoreServerFromBackup(WEB, new BackupId(4242)));
        ProviderFailure noServer = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.restoreServerFromBackup(new ServerId(99999), new BackupId(501)));

        assertThat(noBackup.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(noBackup.getMessage()).contains("Backup not found.");
        assertThat(noServer.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(noServer.getMessage()).contains("Server not found.");
    }

    @Test
    void automaticBackupsExpireAndManualOnesStay() {
        vpsOrg.simulator.clock().advance(Duration.ofDays(32));

        assertThat(vpsOrg.client.listBackups(Optional.empty(), Optional.empty()))
                .extracting(b -> b.id().value()).containsExactly(499L);
    }
}
