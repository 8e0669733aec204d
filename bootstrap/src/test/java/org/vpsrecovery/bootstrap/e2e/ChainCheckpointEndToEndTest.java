package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.checkpoint.FileChainCheckpoints;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.OwnerTampering;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.bootstrap.ChainCheckpointJob;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.audit.CheckpointSigner;
import org.vpsrecovery.domain.port.ChainPositions;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The whole service takes signed checkpoints of the audit chain outside the database, and
 * {@code GET /api/v1/audit/verify/} catches the schema owner cutting the chain back, head and all,
 * which the chain alone cannot show.
 */
class ChainCheckpointEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private VpsOrgSimulator simulator;
    private TestDatabase database;
    private RunningPlatform platform;

    @BeforeEach
    void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        database = DATABASE.anotherMigrated();
        // No background tracking: the test cuts the chain at known positions.
        platform = RunningPlatform.start(database, simulator, PlatformOnSimulator.NO_BACKGROUND_TRACKING);
    }

    @AfterEach
    void stop() {
        platform.close();
        simulator.close();
    }

    private void createSnapshots(String... names) {
        for (String name : names) {
            Answer created = platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"" + name + "\"}");
            assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        }
    }

    private ChainCheckpointJob job() {
        return platform.context.getBean(ChainCheckpointJob.class);
    }

    private Answer verify() {
        Answer verify = platform.send("GET", "/api/v1/audit/verify/", AUDITOR_TOKEN, null);
        assertThat(verify.status()).as(verify.raw().body()).isEqualTo(200);
        return verify;
    }

    @Test
    @SuppressWarnings("unchecked")
    void verifyCatchesTheChainCutBackHeadAndAllThatTheWalkAloneMisses() throws SQLException {
        createSnapshots("one", "two");
        ChainCheckpoint checkpoint = job().takeCheckpoint().recorded().orElseThrow();
        assertThat(checkpoint.sequence()).isEqualTo(4);

        Answer intact = verify();
        assertThat(intact.body()).containsEntry("intact", true).containsEntry("events_checked", 4)
                .containsEntry("checkpoints_checked", 1);
        assertThat((Map<String, Object>) intact.get("latest_checkpoint")).containsEntry("sequence", 4)
                .containsEntry("hash", checkpoint.hash().hex()).containsEntry("key_id", checkpoint.keyId());

        OwnerTampering.cutBackTo(database, 2);

        assertThat(platform.audit().verifyChain().isIntact()).as("the chain alone").isTrue();
        Answer truncated = verify();
        assertThat(truncated.body()).containsEntry("intact", false).containsEntry("first_broken_sequence", 3)
                .containsEntry("fault", "TRUNCATED").containsEntry("checkpoints_checked", 1);
        assertThat((String) truncated.get("explanation")).contains("event 4", "is no longer stored",
                "the stored chain ends at event 2");
        assertThat(job().takeCheckpoint().headMovedBack()).isTrue();
    }

    /**
     * deploy.md's recovery after the database went back: the checkpoint file set aside and named at the restart, the
     * first checkpoint signed then names its last one, and verify reports where the chain was cut instead of an intact
     * chain with nothing before it (ADR 0022, amended in session 51).
     */
    @Test
    @SuppressWarnings("unchecked")
    void afterTheDatabaseWentBackTheCheckpointFileSetAsideIsNamedAndVerifyReportsTheCut() throws Exception {
        createSnapshots("one");
        ChainCheckpoint held = job().takeCheckpoint().recorded().orElseThrow();
        createSnapshots("lost");
        job().takeCheckpoint().recorded().orElseThrow();
        OwnerTampering.cutBackTo(database, 2); // the restore: back to event 2
        createSnapshots("after"); // events 3 and 4 again, other events (the simulator keeps five snapshots a server)
        platform.close();
        Path checkpoints = platform.dataDirectory.resolve("checkpoints");
        Path setAside = platform.dataDirectory.resolve("evidence").resolve("chain-checkpoints-2026-12-07.jsonl");
        Files.createDirectories(setAside.getParent());
        Files.move(checkpoints.resolve(FileChainCheckpoints.FILE_NAME), setAside);
        ChainCheckpoint lastSetAside = FileChainCheckpoints.ofFile(setAside).latest().orElseThrow();

        // Restarted as docs/deploy.md says: the set-aside file named, policy runs and webhooks kept off.
        platform = RunningPlatform.start(database, simulator, Map.of("vpsr.data-directory",
                platform.dataDirectory.toString(), "vpsr.audit.superseded-checkpoints", setAside.toString(),
                "vpsr.paused-after-restore", true));
        ChainCheckpoint first = job().takeCheckpoint().recorded().orElseThrow();
        Answer verified = verify();

        assertThat(first.cut()).isPresent();
        assertThat(verified.body()).containsEntry("intact", true);
        assertThat((Map<String, Object>) verified.get("chain_cut"))
                .containsEntry("set_aside_sequence", (int) lastSetAside.sequence())
                .containsEntry("set_aside_digest", lastSetAside.digest().hex())
                .containsEntry("held_through_sequence", (int) held.sequence())
                .containsEntry("held_through_taken_at", held.takenAt().toString())
                .containsEntry("lost_from_sequence", (int) held.sequence() + 1)
                .containsEntry("first_checkpoint_sequence", (int) first.sequence());
    }

    @Test
    void theKeyIsMadeOnceAndItsPublicHalfLeftBesideTheCheckpoints() throws Exception {
        Path key = platform.dataDirectory.resolve("checkpoint-signing-key.pem");
        String keyId = signerKeyId(platform);

        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(key)).extracting(Enum::name)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(Files.readString(platform.dataDirectory.resolve("checkpoints")
                .resolve("checkpoint-key-" + keyId + ".pub.pem"))).startsWith("-----BEGIN PUBLIC KEY-----");

        // A second instance on the same data directory reuses the key: its checkpoints stay trusted.
        try (RunningPlatform second = RunningPlatform.start(database, simulator, Map.of("vpsr.data-directory",
                platform.dataDirectory.toString()))) {
            assertThat(signerKeyId(second)).isEqualTo(keyId);
        }
    }

    private static String signerKeyId(RunningPlatform running) {
        return running.context.getBean(CheckpointSigner.class).keyId();
    }

    @Test
    void theLastEventsBeforeAStopAreWitnessedOnTheWayOut() {
        createSnapshots("before-stop");
        ChainPosition head = platform.context.getBean(ChainPositions.class).head();
        assertThat(head.sequence()).as("intent and outcome").isEqualTo(2);
        Path directory = platform.dataDirectory.resolve("checkpoints");

        platform.close();

        FileChainCheckpoints store = new FileChainCheckpoints(directory);
        assertThat(store.latest().map(ChainCheckpoint::position)).contains(head);
        try (Stream<?> entries = store.readAll()) {
            assertThat(entries.toList()).hasSize(1);
        }
        platform = RunningPlatform.start(database, simulator, Map.of("vpsr.data-directory",
                platform.dataDirectory.toString()));
        assertThat(verify().body()).containsEntry("intact", true).containsEntry("checkpoints_checked", 1);
    }

    @Test
    void eachCheckpointWalksTheEventsSinceTheLastSoVerificationWalksOnlyWhatCameAfterIt() {
        createSnapshots("one");
        ChainCheckpoint first = job().takeCheckpoint().recorded().orElseThrow();
        createSnapshots("two");
        ChainCheckpoint second = job().takeCheckpoint().recorded().orElseThrow();
        createSnapshots("three");

        Answer since = platform.send("GET", "/api/v1/audit/verify/?from=latest-checkpoint", AUDITOR_TOKEN, null);

        assertThat(first.walkedAfter()).hasValue(0);
        assertThat(second.walkedAfter()).hasValue(2);
        assertThat(since.status()).as(since.raw().body()).isEqualTo(200);
        assertThat(since.body()).containsEntry("intact", true).containsEntry("walked_after", 4)
                .containsEntry("events_checked", 2).containsEntry("checkpoints_checked", 2);
    }
}
