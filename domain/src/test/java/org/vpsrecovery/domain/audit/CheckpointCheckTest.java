package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.testing.InMemoryAuditHistory;

/** The rule that catches what the chain walk cannot: the chain cut back or rewritten, head and all. */
class CheckpointCheckTest {

    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final CheckpointSigner SIGNER = newSigner();
    private static final CheckpointKeys TRUSTED = CheckpointKeys.of(List.of(SIGNER.publicKey()));

    static CheckpointSigner newSigner() {
        try {
            return new CheckpointSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AuditEvent event(int i, String requestId) {
        return new AuditEvent(T0.plusSeconds(i), new TeamId("blue"), new RequestId(requestId),
                Operation.CREATE_SNAPSHOT, Optional.empty(), Optional.empty(), new Outcome.Accepted(),
                OptionalInt.empty(), Map.of("name", "snap-" + i));
    }

    private static InMemoryAuditHistory historyOf(int events) {
        InMemoryAuditHistory history = new InMemoryAuditHistory();
        for (int i = 1; i <= events; i++) {
            history.append(event(i, "req-" + i));
        }
        return history;
    }

    private static ChainCheckpoint checkpointOfHead(InMemoryAuditHistory history) {
        return SIGNER.sign(history.head(), T0.plusSeconds(3600));
    }

    /** What verification does: each checkpoint against the hash stored at its sequence, then the walk. */
    private static ChainVerification verify(InMemoryAuditHistory history, List<StoredCheckpoint> entries) {
        CheckpointCheck check = new CheckpointCheck(TRUSTED);
        for (StoredCheckpoint entry : entries) {
            Optional<ChainHash> stored = entry instanceof StoredCheckpoint.Readable readable
                    ? Optional.ofNullable(history.hashesAt(List.of(readable.checkpoint().sequence()))
                            .get(readable.checkpoint().sequence()))
                    : Optional.empty();
            check.check(entry, stored);
        }
        return check.against(history.verifyChain());
    }

    private static List<StoredCheckpoint> readable(ChainCheckpoint... checkpoints) {
        return Arrays.stream(checkpoints).<StoredCheckpoint>map(StoredCheckpoint.Readable::new).toList();
    }

    @Test
    void anIntactChainThatHoldsEveryCheckpointIsIntactAndNamesTheLatest() {
        InMemoryAuditHistory history = historyOf(3);
        ChainCheckpoint atThree = checkpointOfHead(history);
        history.append(event(4, "req-4"));
        history.append(event(5, "req-5"));
        ChainCheckpoint atFive = checkpointOfHead(history);
        history.append(event(6, "req-6"));

        ChainVerification verification = verify(history, readable(atThree, atFive));

        assertThat(verification).isEqualTo(new ChainVerification.Intact(6, history.head().hash(), 2,
                Optional.of(atFive)));
    }

    @Test
    void withoutCheckpointsTheWalkDecidesAlone() {
        InMemoryAuditHistory history = historyOf(2);

        assertThat(verify(history, List.of())).isEqualTo(new ChainVerification.Intact(2, history.head().hash()));
    }

    @Test
    void aChainCutBackHeadAndAllPassesTheWalkButNotTheCheckpoint() {
        InMemoryAuditHistory history = historyOf(5);
        ChainCheckpoint atFive = checkpointOfHead(history);
        history.tamperTruncate(4);
        assertThat(history.verifyChain()).isInstanceOf(ChainVerification.Intact.class);

        ChainVerification verification = verify(history, readable(atFive));

        assertThat(verification).isInstanceOf(ChainVerification.Broken.class);
        ChainVerification.Broken broken = (ChainVerification.Broken) verification;
        assertThat(broken.fault()).isEqualTo(ChainVerification.Fault.TRUNCATED);
        assertThat(broken.sequence()).as("the first event that is gone").isEqualTo(4);
        assertThat(broken.explanation()).isEqualTo("event 5, witnessed by the checkpoint of event 5 taken at "
                + atFive.takenAt() + " with hash " + atFive.hash() + ", is no longer stored; the stored chain ends at event 3");
        assertThat(broken.checkpointsChecked()).isEqualTo(1);
    }

    @Test
    void aChainCutBackAndAppendedToAgainShowsAsRewrittenAtTheCheckpoint() {
        InMemoryAuditHistory history = historyOf(5);
        ChainCheckpoint atFive = checkpointOfHead(history);
        history.tamperTruncate(4);
        history.append(event(4, "other-4"));
        history.append(event(5, "other-5"));
        history.append(event(6, "other-6"));
        ChainHash storedFive = history.hashesAt(List.of(5L)).get(5L);

        ChainVerification verification = verify(history, readable(atFive));

        assertThat(verification).isEqualTo(new ChainVerification.Broken(5, ChainVerification.Fault.REWRITTEN,
                "event 5 is stored with hash " + storedFive + " but the checkpoint of event 5 taken at "
                        + atFive.takenAt() + " witnessed " + atFive.hash() + ": the history up to it was rewritten", 1));
    }

    @Test
    void aWholeChainRehashedFromAnEarlierEventShowsAtTheEarliestCheckpoint() {
        InMemoryAuditHistory original = historyOf(6);
        ChainCheckpoint atTwo = SIGNER.sign(new ChainPosition(2, original.hashesAt(List.of(2L)).get(2L)), T0);
        ChainCheckpoint atSix = checkpointOfHead(original);
        // The owner rebuilds every row from event 2 on with a consistent chain: the walk is content.
        InMemoryAuditHistory rewritten = new InMemoryAuditHistory();
        rewritten.append(event(1, "req-1"));
        for (int i = 2; i <= 6; i++) {
            rewritten.append(event(i, "forged-" + i));
        }
        assertThat(rewritten.verifyChain()).isInstanceOf(ChainVerification.Intact.class);

        ChainVerification verification = verify(rewritten, readable(atSix, atTwo));

        assertThat(verification).extracting(v -> ((ChainVerification.Broken) v).sequence(),
                v -> ((ChainVerification.Broken) v).fault()).containsExactly(2L, ChainVerification.Fault.REWRITTEN);
    }

    @Test
    void aCheckpointEditedToMatchARewriteNoLongerMatchesItsSignature() {
        InMemoryAuditHistory history = historyOf(5);
        ChainCheckpoint genuine = checkpointOfHead(history);
        history.tamperTruncate(4);
        // The forger edits the witness to the new head, keeping the old signature.
        ChainCheckpoint edited = new ChainCheckpoint(3, history.head().hash(), genuine.takenAt(), genuine.keyId(),
                genuine.signature());

        ChainVerification verification = verify(history, readable(edited));

        assertThat(verification).isEqualTo(new ChainVerification.Broken(3, ChainVerification.Fault.FORGED_CHECKPOINT,
                "the checkpoint of event 3 taken at " + genuine.takenAt() + " does not match its signature (key "
                        + genuine.keyId() + "): it was forged or edited", 1));
    }

    @Test
    void aCheckpointSignedByAnUntrustedKeyIsAForgeryEvenIfItMatches() {
        InMemoryAuditHistory history = historyOf(2);
        ChainCheckpoint byStranger = newSigner().sign(history.head(), T0);

        ChainVerification verification = verify(history, readable(byStranger));

        assertThat(verification).isInstanceOf(ChainVerification.Broken.class);
        assertThat(((ChainVerification.Broken) verification).fault()).isEqualTo(ChainVerification.Fault.FORGED_CHECKPOINT);
        assertThat(((ChainVerification.Broken) verification).explanation())
                .contains("signed by key " + byStranger.keyId() + ", which is not a trusted checkpoint key");
    }

    @Test
    void aDamagedEntryIsReportedAfterTheCheckpointBeforeIt() {
        InMemoryAuditHistory history = historyOf(4);
        ChainCheckpoint atFour = checkpointOfHead(history);
        List<StoredCheckpoint> entries = List.of(new StoredCheckpoint.Readable(atFour),
                new StoredCheckpoint.Unreadable(4, "checkpoints.jsonl line 2", "not JSON"));

        assertThat(verify(history, entries)).isEqualTo(new ChainVerification.Broken(5,
                ChainVerification.Fault.FORGED_CHECKPOINT, "checkpoints.jsonl line 2 does not read as a checkpoint "
                + "(not JSON); the witness after event 4 was edited", 2));
    }

    @Test
    void theEarliestBreakWinsWhicheverFoundIt() {
        InMemoryAuditHistory history = historyOf(6);
        ChainCheckpoint atSix = checkpointOfHead(history);
        AuditEvent second = history.all().get(1);
        history.tamperReplace(2, event(2, "altered"));
        history.tamperTruncate(5);

        ChainVerification altered = verify(history, readable(atSix));
        assertThat(altered).extracting(v -> ((ChainVerification.Broken) v).sequence(),
                v -> ((ChainVerification.Broken) v).fault()).containsExactly(2L, ChainVerification.Fault.ALTERED_EVENT);
        assertThat(altered.checkpointsChecked()).isEqualTo(1);

        history.tamperReplace(2, second);
        history.tamperRemove(4);
        ChainCheckpoint atTwo = SIGNER.sign(new ChainPosition(2, history.hashesAt(List.of(2L)).get(2L)), T0);
        ChainCheckpoint forgedAtThree = new ChainCheckpoint(3, atTwo.hash(), T0, atTwo.keyId(), atTwo.signature());
        assertThat(verify(history, readable(atTwo, forgedAtThree))).extracting(
                v -> ((ChainVerification.Broken) v).sequence(), v -> ((ChainVerification.Broken) v).fault())
                .containsExactly(3L, ChainVerification.Fault.FORGED_CHECKPOINT);
    }

    @Test
    void aCheckpointOfEventsAppendedAfterTheWalkIsNoTruncation() {
        InMemoryAuditHistory history = historyOf(3);
        ChainVerification walkedEarlier = history.verifyChain();
        history.append(event(4, "req-4"));
        ChainCheckpoint atFour = checkpointOfHead(history);

        CheckpointCheck check = new CheckpointCheck(TRUSTED);
        check.check(new StoredCheckpoint.Readable(atFour), Optional.of(history.hashesAt(List.of(4L)).get(4L)));

        assertThat(check.against(walkedEarlier).isIntact()).isTrue();
    }
}
