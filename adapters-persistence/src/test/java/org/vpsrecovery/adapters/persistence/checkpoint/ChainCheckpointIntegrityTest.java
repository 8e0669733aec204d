package org.vpsrecovery.adapters.persistence.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.ApplicationLogin;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.OwnerTampering;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.application.audit.AuditReadSlots;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.application.audit.RecordChainCheckpointService;
import org.vpsrecovery.application.audit.VerifyAuditChainService;
import org.vpsrecovery.application.audit.VerifyAuditChainUseCase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.CheckpointSigner;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * What the chain alone cannot show, against a real PostgreSQL and a real checkpoint file: the schema
 * owner removing the last events and moving the chain head back to match.
 */
class ChainCheckpointIntegrityTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @RegisterExtension
    static final ApplicationLogin APP = ApplicationLogin.named("vpsr_app_cp");

    private static final AuditReader AUDITOR = new AuditReader.Auditor("compliance");
    private static final AuditReadSlots READ_SLOTS = new AuditReadSlots(1, Duration.ZERO, Duration.ofSeconds(5));

    @TempDir
    Path checkpointDirectory;

    private final CheckpointSigner signer = newSigner();
    private final TestDatabase database = DATABASE.anotherMigrated();
    /** The service runs as the least-privileged role, as deployed. */
    private final ApplicationContext context = AdapterContext.on(database, APP.name(), APP.password());
    private final AuditHistory history = context.getBean(AuditHistory.class);
    private final ChainPositions positions = context.getBean(ChainPositions.class);

    @AfterEach
    void closeContext() {
        context.close();
    }

    private static CheckpointSigner newSigner() {
        try {
            return new CheckpointSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AuditEvent event(int i, String requestId) {
        return new AuditEvent(T0.plusSeconds(i), new TeamId("blue"), new RequestId(requestId),
                Operation.RESTORE_SNAPSHOT, Optional.empty(), Optional.empty(), new Outcome.Completed(),
                OptionalInt.of(202), Map.of("note", "event " + i));
    }

    private RecordChainCheckpointService.Round checkpoint() {
        return new RecordChainCheckpointService(history, positions, new FileChainCheckpoints(checkpointDirectory), signer,
                CheckpointKeys.of(List.of(signer.publicKey())), Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC))
                .recordIfMoved();
    }

    private ChainVerification verify() {
        return new VerifyAuditChainService(history, positions, new FileChainCheckpoints(checkpointDirectory),
                CheckpointKeys.of(List.of(signer.publicKey())), READ_SLOTS).verifyAuditChain(AUDITOR);
    }

    private void appendEvents(int from, int to, String prefix) {
        for (int i = from; i <= to; i++) {
            history.append(event(i, prefix + i));
        }
    }

    @Test
    void anUntouchedChainVerifiesAgainstItsCheckpoints() {
        appendEvents(1, 3, "req-");
        checkpoint();
        appendEvents(4, 5, "req-");
        ChainCheckpoint latest = checkpoint().recorded().orElseThrow();
        appendEvents(6, 6, "req-");

        ChainVerification verification = verify();

        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        ChainVerification.Intact intact = (ChainVerification.Intact) verification;
        assertThat(intact.eventsChecked()).isEqualTo(6);
        assertThat(intact.checkpointsChecked()).isEqualTo(2);
        assertThat(intact.latestCheckpoint()).contains(latest);
        assertThat(latest.position()).isEqualTo(new ChainPosition(5,
                positions.hashesAt(List.of(5L)).get(5L)));
    }

    @Test
    void theOwnerCuttingTheChainBackHeadAndAllIsCaughtThoughTheWalkMissesIt() throws SQLException {
        appendEvents(1, 5, "req-");
        ChainCheckpoint atFive = checkpoint().recorded().orElseThrow();

        OwnerTampering.cutBackTo(database, 3);

        assertThat(history.verifyChain()).as("the plain walk").isInstanceOf(ChainVerification.Intact.class);
        assertThat(verify()).isEqualTo(new ChainVerification.Broken(4, ChainVerification.Fault.TRUNCATED,
                "event 5, witnessed by the checkpoint of event 5 taken at " + atFive.takenAt() + " with hash "
                        + atFive.hash() + ", is no longer stored; the stored chain ends at event 3", 1));
        assertThat(checkpoint().headMovedBack()).as("the next round notices too").isTrue();
    }

    @Test
    void theOwnerCuttingBackAndWritingNewEventsInTheirPlaceIsCaughtAsARewrite() throws SQLException {
        appendEvents(1, 5, "req-");
        checkpoint();

        OwnerTampering.cutBackTo(database, 3);
        appendEvents(4, 7, "other-");

        assertThat(history.verifyChain()).as("the plain walk").isInstanceOf(ChainVerification.Intact.class);
        ChainVerification verification = verify();
        assertThat(verification).isInstanceOf(ChainVerification.Broken.class);
        assertThat((ChainVerification.Broken) verification).extracting(ChainVerification.Broken::sequence,
                ChainVerification.Broken::fault).containsExactly(5L, ChainVerification.Fault.REWRITTEN);

        // A new process's checkpoint job never signs over it (its walk from the first event is intact): it says so.
        RecordChainCheckpointService.Round round = checkpoint();
        assertThat(round.recorded()).isEmpty();
        assertThat(round.broken()).get().extracting(ChainVerification.Broken::sequence, ChainVerification.Broken::fault)
                .containsExactly(5L, ChainVerification.Fault.REWRITTEN);
        assertThat(verify()).as("still found, not buried under a new checkpoint").isEqualTo(verification);
    }

    /** What the schema owner can do: switch the guard off and edit an event's content, leaving its hashes. */
    private void editAsOwner(long sequence) throws SQLException {
        editAsOwner(sequence, "request_id = 'edited'");
    }

    private void editAsOwner(long sequence, String assignment) throws SQLException {
        try (Connection owner = database.dataSource().getConnection(); Statement sql = owner.createStatement()) {
            owner.setAutoCommit(false);
            sql.execute("ALTER TABLE audit_event DISABLE TRIGGER USER");
            sql.execute("UPDATE audit_event SET " + assignment + " WHERE sequence = " + sequence);
            sql.execute("ALTER TABLE audit_event ENABLE TRIGGER USER");
            owner.commit();
        }
    }

    @Test
    void anEventEditedSinceTheLastCheckpointIsNeverSignedOverAndTheWalkSinceItFindsIt() throws SQLException {
        appendEvents(1, 3, "req-");
        ChainCheckpoint walked = checkpoint().recorded().orElseThrow();
        appendEvents(4, 6, "req-");
        editAsOwner(5);

        RecordChainCheckpointService.Round round = checkpoint();
        ChainVerification since = new VerifyAuditChainService(history, positions,
                new FileChainCheckpoints(checkpointDirectory), CheckpointKeys.of(List.of(signer.publicKey())), READ_SLOTS)
                .verifyAuditChain(AUDITOR, VerifyAuditChainUseCase.WalkStart.LATEST_CHECKPOINT);

        assertThat(walked.walkedAfter()).hasValue(0);
        assertThat(round.recorded()).as("nothing signed over a chain that does not hold").isEmpty();
        assertThat(round.broken()).map(ChainVerification.Broken::sequence).contains(5L);
        assertThat(since).isInstanceOf(ChainVerification.Broken.class);
        assertThat(((ChainVerification.Broken) since).sequence()).isEqualTo(5L);
        assertThat(new FileChainCheckpoints(checkpointDirectory).latest()).contains(walked);
    }

    /** A time no event can have ('infinity' passes every CHECK): the round reports the break, it does not fail. */
    @Test
    void anEventWhoseTimeWasMadeInfiniteIsABreakTheRoundReports() throws SQLException {
        appendEvents(1, 3, "req-");
        ChainCheckpoint walked = checkpoint().recorded().orElseThrow();
        appendEvents(4, 6, "req-");
        editAsOwner(5, "occurred_at = 'infinity'");

        RecordChainCheckpointService.Round round = checkpoint();

        assertThat(round.recorded()).as("nothing signed over a chain that does not hold").isEmpty();
        assertThat(round.broken()).get().extracting(ChainVerification.Broken::sequence, ChainVerification.Broken::fault)
                .containsExactly(5L, ChainVerification.Fault.ALTERED_EVENT);
        assertThat(new FileChainCheckpoints(checkpointDirectory).latest()).contains(walked);
    }
}
