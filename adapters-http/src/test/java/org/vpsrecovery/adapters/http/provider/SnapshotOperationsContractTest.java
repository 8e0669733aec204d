package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.simulator.RecordedRequest;

/** The four snapshot endpoints over real HTTP against the simulator: answers, failures, and what was sent. */
class SnapshotOperationsContractTest {

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
    void listsAllSnapshotsWithTheDocumentedRequest() {
        List<Snapshot> snapshots = vpsOrg.client.listSnapshots(Optional.empty());

        assertThat(snapshots).extracting(s -> s.id().value()).containsExactly(801L, 798L);
        Snapshot first = snapshots.get(0);
        assertThat(first.server().id()).isEqualTo(WEB);
        assertThat(first.server().name()).isEqualTo("web-server-01");
        assertThat(first.name()).isEqualTo("pre-migration-snapshot");
        assertThat(first.isCompleted()).isTrue();
        assertThat(first.sizeMb()).hasValue(5120);
        assertThat(first.description()).isEqualTo("Before major migration");

        RecordedRequest request = vpsOrg.receivedOnce("GET", "/api/v1/snapshots/");
        assertThat(request.query()).isEmpty();
        assertThat(request.header("Authorization")).hasValue("Bearer demo-token");
        assertThat(request.header("Content-Type")).hasValue("application/json");
        assertThat(request.header("Accept")).hasValue("application/json");
        assertThat(request.body()).isEmpty();
    }

    @Test
    void listsOneServersSnapshotsThroughTheServerIdFilter() {
        assertThat(vpsOrg.client.listSnapshots(Optional.of(WEB))).hasSize(2);
        assertThat(vpsOrg.client.listSnapshots(Optional.of(DB))).isEmpty();

        assertThat(vpsOrg.received("GET", "/api/v1/snapshots/")).extracting(RecordedRequest::query)
                .containsExactly("server_id=12345", "server_id=23456");
    }

    @Test
    void createsASnapshotAndSendsTheDocumentedBody() throws Exception {
        Snapshot created = vpsOrg.client.createSnapshot(new SnapshotDraft(WEB, new SnapshotName("before-update-snapshot"),
                Optional.of(new Description("Snapshot before system update"))));

        assertThat(created.id()).isEqualTo(new SnapshotId(802));
        assertThat(created.server().id()).isEqualTo(WEB);
        assertThat(created.name()).isEqualTo("before-update-snapshot");
        assertThat(created.status()).isEqualTo(CreationStatus.IN_PROGRESS);
        assertThat(created.sizeMb()).isEmpty();
        assertThat(created.description()).isEqualTo("Snapshot before system update");

        RecordedRequest request = vpsOrg.receivedOnce("POST", "/api/v1/snapshots/");
        assertThat(request.header("Authorization")).hasValue("Bearer demo-token");
        assertThat(request.header("Content-Type")).hasValue("application/json");
        assertThat(jackson.readTree(request.body())).isEqualTo(jackson.readTree(
                "{\"server_id\": 12345, \"name\": \"before-update-snapshot\", \"description\": \"Snapshot before system update\"}"));
    }

    @Test
    void sendsNoDescriptionWhenThereIsNone() throws Exception {
        Snapshot created = vpsOrg.client.createSnapshot(new SnapshotDraft(DB, new SnapshotName("nightly_1"), Optional.empty()));

        assertThat(created.description()).isEmpty();
        JsonNode body = jackson.readTree(vpsOrg.receivedOnce("POST", "/api/v1/snapshots/").body());
        assertThat(body).isEqualTo(jackson.readTree("{\"server_id\": 23456, \"name\": \"nightly_1\"}"));
    }

    @Test
    void aCreatedSnapshotCompletesWithItsSizeAfterTheProvidersDelay() {
        Snapshot created = vpsOrg.client.createSnapshot(new SnapshotDraft(DB, new SnapshotName("db-snap"), Optional.empty()));
        assertThat(vpsOrg.client.listSnapshots(Optional.of(DB))).singleElement()
                .satisfies(s -> assertThat(s.isInProgress()).isTrue());

        vpsOrg.simulator.clock().advance(Duration.ofSeconds(5));

        Snapshot later = vpsOrg.client.listSnapshots(Optional.of(DB)).get(0);
        assertThat(later.id()).isEqualTo(created.id());
        assertThat(later.isCompleted()).isTrue();
        assertThat(later.sizeMb()).hasValue(9200);
    }

    @Test
    void theSixthSnapshotOfAServerIsRefusedAsALimit() {
        for (int i = 0; i < 3; i++) {
            vpsOrg.client.createSnapshot(new SnapshotDraft(WEB, new SnapshotName("snap-" + i), Optional.empty()));
        }

        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> vpsOrg.client.createSnapshot(
                new SnapshotDraft(WEB, new SnapshotName("one-too-many"), Optional.empty())));

        assertThat(failure.kind()).isEqualTo(Kind.LIMIT_REACHED);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(400));
        assertThat(failure.getMessage()).contains("at most 5 snapshots");
        assertThat(vpsOrg.received("POST", "/api/v1/snapshots/")).hasSize(4);
    }

    @Test
    void creatingForAServerThatDoesNotExistIsNotFound() {
        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> vpsOrg.client.createSnapshot(
                new SnapshotDraft(new ServerId(99999), new SnapshotName("x"), Optional.empty())));

        assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(404));
        assertThat(failure.getMessage()).contains("Server not found.");
    }

    @Test
    void anotherAccountsServerIsNotFoundEither() {
        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> vpsOrg.client.createSnapshot(
                new SnapshotDraft(new ServerId(34567), new SnapshotName("x"), Optional.empty())));

        assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void restoresASnapshotAndReportsTheServerRestoring() {
        RestoreStarted restore = vpsOrg.client.restoreSnapshot(new SnapshotId(801), WEB);

        assertThat(restore.server().id()).isEqualTo(WEB);
        assertThat(restore.server().ref().name()).isEqualTo("web-server-01");
        assertThat(restore.server().status()).isEqualTo(ServerStatus.RESTORING);
        RecordedRequest request = vpsOrg.receivedOnce("POST", "/api/v1/snapshots/801/restore/");
        assertThat(request.header("Authorization")).hasValue("Bearer demo-token");
        assertThat(request.body()).isEmpty();
    }

    @Test
    void aServerBeingRestoredRefusesASecondRestoreUntilItRunsAgain() {
        vpsOrg.client.restoreSnapshot(new SnapshotId(801), WEB);

        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.restoreSnapshot(new SnapshotId(798), WEB));
        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(400));
        assertThat(failure.getMessage()).contains("Server is not in a valid state for restoration.");

        vpsOrg.simulator.clock().advance(Duration.ofSeconds(10));
        assertThat(vpsOrg.client.restoreSnapshot(new SnapshotId(798), WEB).server().isRestoring()).isTrue();
    }

    @Test
    void aSnapshotStillInProgressCannotBeRestored() {
        Snapshot created = vpsOrg.client.createSnapshot(new SnapshotDraft(DB, new SnapshotName("fresh"), Optional.empty()));

        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.restoreSnapshot(created.id(), DB));

        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.getMessage()).contains("not completed");
    }

    @Test
    void restoringAnUnknownSnapshotIsNotFound() {
        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.restoreSnapshot(new SnapshotId(4242), WEB));

        assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(404));
    }

    @Test
    void deletesASnapshot() {
        vpsOrg.client.deleteSnapshot(new SnapshotId(798));

        assertThat(vpsOrg.client.listSnapshots(Optional.empty())).extracting(s -> s.id().value()).containsExactly(801L);
        RecordedRequest request = vpsOrg.receivedOnce("DELETE", "/api/v1/snapshots/798/");
        assertThat(request.header("Authorization")).hasValue("Bearer demo-token");
        assertThat(request.body()).isEmpty();
    }

    @Test
    void deletingAnUnknownSnapshotIsNotFoundAndNotRetried() {
        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.deleteSnapshot(new SnapshotId(4242)));

        assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(404));
        assertThat(vpsOrg.received("DELETE", "/api/v1/snapshots/4242/")).hasSize(1);
    }
}
