package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.provider.wire.BackupPageWire;
import org.vpsrecovery.adapters.http.provider.wire.BackupWire;
import org.vpsrecovery.adapters.http.provider.wire.RestoreAnswerWire;
import org.vpsrecovery.adapters.http.provider.wire.SnapshotPageWire;
import org.vpsrecovery.adapters.http.provider.wire.SnapshotWire;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.simulator.Seed;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The JSON examples of the provider's documentation (copied verbatim into test resources) read
 * through the adapter's DTOs and mapper, field for field; and the simulator, seeded with the same
 * examples and its clock at the documented moments, answering exactly that JSON.
 */
class DocumentedExamplesTest {

    private static final ServerRef WEB_SERVER = new ServerRef(new ServerId(12345), "web-server-01");
    private static final Instant SEED_AS_OF = Instant.parse("2025-01-16T16:00:00Z");

    private static final JsonMapper json = JsonMapper.createDefault();
    private final VpsOrgWireMapper mapper = new VpsOrgWireMapper();
    private final ObjectMapper jackson = new ObjectMapper();
    private static final HttpClient RAW_HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    // ---- the documented examples, through the adapter ----

    @Test
    void documentedSnapshotListMapsFieldForField() throws IOException {
        SnapshotPageWire page = json.readValue(example("list-snapshots.json"), Argument.of(SnapshotPageWire.class));

        assertThat(page.count()).isEqualTo(2);
        assertThat(VpsOrgWireMapper.link(page.next())).isNull();
        assertThat(mapper.snapshots(page.results())).containsExactly(
                new Snapshot(new SnapshotId(801), WEB_SERVER, "pre-migration-snapshot", CreationStatus.COMPLETED,
                        OptionalLong.of(5120), Instant.parse("2025-01-15T18:30:00Z"), "Before major migration"),
                new Snapshot(new SnapshotId(798), WEB_SERVER, "weekly-snapshot-2025-01-08", CreationStatus.COMPLETED,
                        OptionalLong.of(4856), Instant.parse("2025-01-08T12:00:00Z"), "Weekly snapshot"));
    }

    @Test
    void documentedSnapshotCreationMapsFieldForField() throws IOException {
        SnapshotWire wire = json.readValue(example("create-snapshot.json"), Argument.of(SnapshotWire.class));

        assertThat(VpsOrgWireMapper.word(wire.message())).isEqualTo(
                "Snapshot is being created. This may take 3-10 minutes depending on server size.");
        Snapshot snapshot = mapper.snapshot(wire);
        assertThat(snapshot).isEqualTo(new Snapshot(new SnapshotId(802), WEB_SERVER, "before-update-snapshot",
                CreationStatus.IN_PROGRESS, OptionalLong.empty(), Instant.parse("2025-01-16T16:15:00Z"),
                "Snapshot before system update"));
        assertThat(snapshot.isInProgress()).isTrue();
    }

    @Test
    void documentedSnapshotRestoreMapsFieldForField() throws IOException {
        RestoreAnswerWire wire = json.readValue(example("restore-snapshot.json"), Argument.of(RestoreAnswerWire.class));

        assertThat(VpsOrgWireMapper.word(wire.status())).isEqualTo("success");
        assertThat(VpsOrgWireMapper.word(wire.message())).isEqualTo("Server is being restored from snapshot. This may take 5-15 minutes.");
        assertThat(mapper.restoreStarted(wire, Optional.empty()))
                .isEqualTo(new RestoreStarted(new Server(WEB_SERVER, ServerStatus.RESTORING)));
    }

    @Test
    void documentedBackupListMapsFieldForField() throws IOException {
        BackupPageWire page = json.readValue(example("list-backups.json"), Argument.of(BackupPageWire.class));

        assertThat(page.count()).isEqualTo(3);
        List<Backup> backups = mapper.backups(page.results());
        assertThat(backups).containsExactly(
                new Backup(new BackupId(501), WEB_SERVER, BackupType.AUTOMATIC, CreationStatus.COMPLETED, OptionalLong.of(4523),
                        Instant.parse("2025-01-16T03:00:00Z"), Optional.of(Instant.parse("2025-02-16T03:00:00Z")),
                        "Automatic daily backup"),
                new Backup(new BackupId(499), WEB_SERVER, BackupType.MANUAL, CreationStatus.COMPLETED, OptionalLong.of(4456),
                        Instant.parse("2025-01-14T10:30:00Z"), Optional.empty(), "Pre-update backup"),
                new Backup(new BackupId(495), WEB_SERVER, BackupType.AUTOMATIC, CreationStatus.COMPLETED, OptionalLong.of(4389),
                        Instant.parse("2025-01-15T03:00:00Z"), Optional.of(Instant.parse("2025-02-15T03:00:00Z")),
                        "Automatic daily backup"));
        assertThat(backups).extracting(Backup::type)
                .containsExactly(BackupType.AUTOMATIC, BackupType.MANUAL, BackupType.AUTOMATIC);
    }

    @Test
    void documentedBackupCreationMapsFieldForField() throws IOException {
        BackupWire wire = json.readValue(example("create-backup.json"), Argument.of(BackupWire.class));

        assertThat(VpsOrgWireMapper.word(wire.message())).isEqualTo(
                "Backup is being created. This may take several minutes depending on server size.");
        assertThat(mapper.backup(wire)).isEqualTo(new Backup(new BackupId(502), WEB_SERVER, BackupType.MANUAL,
                CreationStatus.IN_PROGRESS, OptionalLong.empty(), Instant.parse("2025-01-16T15:45:00Z"),
                Optional.empty(), "Pre-deployment backup"));
    }

    @Test
    void unknownFieldsAreIgnoredAndUnknownValuesKept() throws IOException {
        String undocumented = """
                {"count": 1, "next": null, "previous": null, "region": "eu-1", "results": [
                  {"id": 900, "server": {"id": 12345, "name": "web-server-01", "zone": "a"},
                   "backup_type": "replicated", "status": "verifying", "size_mb": 12.6,
                   "created_at": "2025-01-16T03:00:00+01:00", "expires_at": null, "description": null,
                   "checksum": "sha256:abc", "tags": ["x"]}]}
                """;
        BackupPageWire page = json.readValue(undocumented, Argument.of(BackupPageWire.class));

        Backup backup = mapper.backups(page.results()).get(0);
        assertThat(backup.type()).isEqualTo(new BackupType(BackupType.Kind.UNKNOWN, "replicated"));
        assertThat(backup.status()).isEqualTo(new CreationStatus(CreationStatus.Phase.UNKNOWN, "verifying"));
        assertThat(backup.sizeMb()).hasValue(13);
        assertThat(backup.createdAt()).isEqualTo(Instant.parse("2025-01-16T02:00:00Z"));
        assertThat(backup.expiresAt()).isEmpty();
        assertThat(backup.description()).isEmpty();
    }

    // ---- the simulator answers the documented JSON ----

    @Test
    void simulatorListsTheDocumentedSnapshotsAndBackups() throws Exception {
        try (VpsOrgSimulator simulator = specSimulator(SEED_AS_OF)) {
            assertThat(call(simulator, "GET", "/api/v1/snapshots/", null)).isEqualTo(exampleTree("list-snapshots.json"));
            assertThat(call(simulator, "GET", "/api/v1/backups/", null)).isEqualTo(exampleTree("list-backups.json"));
        }
    }

    @Test
    void simulatorCreatesTheDocumentedSnapshot() throws Exception {
        try (VpsOrgSimulator simulator = specSimulator(Instant.parse("2025-01-16T16:15:00Z"))) {
            JsonNode created = call(simulator, "POST", "/api/v1/snapshots/",
                    "{\"server_id\": 12345, \"name\": \"before-update-snapshot\", \"description\": \"Snapshot before system update\"}");
            assertThat(created).isEqualTo(exampleTree("create-snapshot.json"));
        }
    }

    @Test
    void simulatorRestoresTheDocumentedSnapshot() throws Exception {
        try (VpsOrgSimulator simulator = specSimulator(SEED_AS_OF)) {
            assertThat(call(simulator, "POST", "/api/v1/snapshots/801/restore/", null))
                    .isEqualTo(exampleTree("restore-snapshot.json"));
        }
    }

    @Test
    void simulatorCreatesTheDocumentedBackup() throws Exception {
        try (VpsOrgSimulator simulator = specSimulator(Instant.parse("2025-01-16T15:45:00Z"))) {
            JsonNode created = call(simulator, "POST", "/api/v1/backups/",
                    "{\"server_id\": 12345, \"description\": \"Pre-deployment backup\"}");
            assertThat(created).isEqualTo(exampleTree("create-backup.json"));
        }
    }

    @Test
    void adapterReadsFromTheSimulatorWhatTheDocumentationShows() throws IOException {
        try (VpsOrgSimulator simulator = specSimulator(Instant.parse("2025-01-16T16:15:00Z"));
             VpsOrgClient client = VpsOrgClient.connect(
                     SimulatedVpsOrg.testSettings(simulator.baseUri(), VpsOrgSimulator.DEMO_TOKEN))) {
            SnapshotPageWire snapshots = json.readValue(example("list-snapshots.json"), Argument.of(SnapshotPageWire.class));
            BackupPageWire backups = json.readValue(example("list-backups.json"), Argument.of(BackupPageWire.class));
            SnapshotWire created = json.readValue(example("create-snapshot.json"), Argument.of(SnapshotWire.class));

            assertThat(client.listSnapshots(Optional.empty())).isEqualTo(mapper.snapshots(snapshots.results()));
            assertThat(client.listBackups(Optional.empty(), Optional.empty())).isEqualTo(mapper.backups(backups.results()));
            assertThat(client.createSnapshot(new SnapshotDraft(new ServerId(12345), new SnapshotName("before-update-snapshot"),
                    Optional.of(new Description("Snapshot before system update"))))).isEqualTo(mapper.snapshot(created));
        }
    }

    @Test
    void adapterCreatesTheDocumentedBackupThroughTheSimulator() throws IOException {
        try (VpsOrgSimulator simulator = specSimulator(Instant.parse("2025-01-16T15:45:00Z"));
             VpsOrgClient client = VpsOrgClient.connect(
                     SimulatedVpsOrg.testSettings(simulator.baseUri(), VpsOrgSimulator.DEMO_TOKEN))) {
            BackupWire documented = json.readValue(example("create-backup.json"), Argument.of(BackupWire.class));

            assertThat(client.createManualBackup(new BackupDraft(new ServerId(12345),
                    Optional.of(new Description("Pre-deployment backup"))))).isEqualTo(mapper.backup(documented));
        }
    }

    // ---- helpers ----

    private static VpsOrgSimulator specSimulator(Instant now) {
        return VpsOrgSimulator.start(SimulatorOptions.defaults()
                .withSeed(Seed.specExamples(), false)
                .withClock(SimulatorClock.fixedAt(now)));
    }

    private JsonNode call(VpsOrgSimulator simulator, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUri() + path))
                .header("Authorization", "Bearer " + VpsOrgSimulator.DEMO_TOKEN)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = RAW_HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isBetween(200, 201);
        return jackson.readTree(response.body());
    }

    private JsonNode exampleTree(String name) throws IOException {
        return jackson.readTree(example(name));
    }

    private static byte[] example(String name) throws IOException {
        try (InputStream in = DocumentedExamplesTest.class.getResourceAsStream("/vpsorg-api-examples/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
