package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.testing.InMemoryAuditHistory;
import org.vpsrecovery.domain.testing.InMemoryChainCheckpoints;

/** The rule that catches what the chain walk cannot: the chain cut back or rewritten, head and all. */
class CheckpointCheckTest {

    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final CheckpointSigner SIGNER = newSigner();
    private static final CheckpointKeys TRUSTED = CheckpointKeys.of(List.of(SIGNER.publicKey()));

    private final InMemoryChainCheckpoints witness = new InMemoryChainCheckpoints();

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

    /** Witnesses {@code position} as the service would: signed, after the latest checkpoint. */
    private ChainCheckpoint take(CheckpointSigner signer, ChainPosition position) {
        return witness.append(latest -> Optional.of(signer.sign(position, T0.plusSeconds(3600 + position.sequence()),
                ChainCheckpoint.digestOf(latest)))).orElseThrow();
    }

    /** Witnesses {@code position} stating a walk that started after {@code walkedAfter}. */
    private ChainCheckpoint takeWalked(ChainPosition position, long walkedAfter) {
        return witness.append(latest -> Optional.of(SIGNER.signWalked(position,
                T0.plusSeconds(3600 + position.sequence()), ChainCheckpoint.digestOf(latest), walkedAfter))).orElseThrow();
    }

    private CheckpointCheck checked(InMemoryAuditHistory history) {
        CheckpointCheck check = new CheckpointCheck(TRUSTED);
        for (StoredCheckpoint entry : witness.readAll().toList()) {
            Optional<ChainHash> stored = entry instanceof StoredCheckpoint.Readable readable
                    ? Optional.ofNullable(history.hashesAt(List.of(readable.checkpoint().sequence()))
                            .get(readable.checkpoint().sequence()))
                    : Optional.empty();
            check.check(entry, stored);
        }
        return check;
    }

    private ChainCheckpoint takeHead(InMemoryAuditHistory history) {
        return take(SIGNER, history.head());
    }

    private static ChainPosition positionOf(InMemoryAuditHistory history, long sequence) {
        return new ChainPosition(sequence, history.hashesAt(List.of(sequence)).get(sequence));
    }

    /** What verification does: each entry against the hash stored at its sequence, then the walk. */
    private ChainVerification verify(InMemoryAuditHistory history) {
        return checked(history).against(history.verifyChain());
    }

    private static ChainCheckpoint edited(ChainCheckpoint genuine, long sequence, ChainHash hash, Instant takenAt) {
        return new ChainCheckpoint(sequence, hash, takenAt, genuine.keyId(), genuine.previous(), genuine.signature());
    }

    private static void assertBroken(ChainVerification verification, long sequence, ChainVerification.Fault fault) {
        assertThat(verification).isInstanceOf(ChainVerification.Broken.class);
        assertThat((ChainVerification.Broken) verification).extracting(ChainVerification.Broken::sequence,
                ChainVerification.Broken::fault).containsExactly(sequence, fault);
    }

    @Test
    void anIntactChainThatHoldsEveryCheckpointIsIntactAndNamesTheLatest() {
        InMemoryAuditHistory history = historyOf(3);
        takeHead(history);
        history.append(event(4, "req-4"));
        history.append(event(5, "req-5"));
        ChainCheckpoint atFive = takeHead(history);
        history.append(event(6, "req-6"));

        assertThat(verify(history)).isEqualTo(new ChainVerification.Intact(6, history.head().hash(), 2,
                Optional.of(atFive)));
    }

    @Test
    void withoutCheckpointsTheWalkDecidesAlone() {
        InMemoryAuditHistory history = historyOf(2);

        assertThat(verify(history)).isEqualTo(new ChainVerification.Intact(2, history.head().hash()));
    }

    @Test
    void aChainCutBackHeadAndAllPassesTheWalkButNotTheCheckpoint() {
        InMemoryAuditHistory history = historyOf(5);
        ChainCheckpoint atFive = takeHead(history);
        history.tamperTruncate(4);
        assertThat(history.verifyChain()).isInstanceOf(ChainVerification.Intact.class);

        assertThat(verify(history)).as("the first event that is gone").isEqualTo(new ChainVerification.Broken(4,
                ChainVerification.Fault.TRUNCATED, "event 5, witnessed by the checkpoint of event 5 taken at "
                + atFive.takenAt() + " with hash " + atFive.hash() + ", is no longer stored; the stored chain ends at "
                + "event 3", 1));
    }

    @Test
    void aChainCutBackAndAppendedToAgainShowsAsRewrittenAtTheCheckpoint() {
        InMemoryAuditHistory history = historyOf(5);
        ChainCheckpoint atFive = takeHead(history);
        history.tamperTruncate(4);
        for (int i = 4; i <= 6; i++) {
            history.append(event(i, "other-" + i));
        }
        ChainHash storedFive = positionOf(history, 5).hash();

        assertThat(verify(history)).isEqualTo(new ChainVerification.Broken(5, ChainVerification.Fault.REWRITTEN,
                "event 5 is stored with hash " + storedFive + " but the checkpoint of event 5 taken at "
                        + atFive.takenAt() + " witnessed " + atFive.hash() + ": the history up to it was rewritten", 1));
    }

    @Test
    void aWholeChainRehashedFromAnEarlierEventShowsAtTheEarliestCheckpoint() {
        InMemoryAuditHistory original = historyOf(6);
        take(SIGNER, positionOf(original, 2));
        takeHead(original);
        // The owner rebuilds every row from event 2 on with a consistent chain: the walk is content.
        InMemoryAuditHistory rewritten = new InMemoryAuditHistory();
        rewritten.append(event(1, "req-1"));
        for (int i = 2; i <= 6; i++) {
            rewritten.append(event(i, "forged-" + i));
        }
        assertThat(rewritten.verifyChain()).isInstanceOf(ChainVerification.Intact.class);

        assertBroken(verify(rewritten), 2, ChainVerification.Fault.REWRITTEN);
    }

    @Test
    void aCheckpointEditedToMatchACutBackChainNoLongerMatchesItsSignature() {
        InMemoryAuditHistory history = historyOf(5);
        ChainCheckpoint genuine = takeHead(history);
        history.tamperTruncate(4);
        // The forger edits the witness to the new head, keeping the old signature.
        witness.tamperReplace(0, new StoredCheckpoint.Readable(edited(genuine, 3, history.head().hash(),
                genuine.takenAt())));

        assertThat(verify(history)).isEqualTo(new ChainVerification.Broken(3, ChainVerification.Fault.FORGED_CHECKPOINT,
                "the checkpoint of event 3 taken at " + genuine.takenAt() + " does not match its signature (key "
                        + genuine.keyId() + "): it was forged or edited", 1));
    }

    @Test
    void anEditedOrRemovedCheckpointBreaksTheLinkOfTheNext() {
        InMemoryAuditHistory history = historyOf(6);
        ChainCheckpoint atTwo = take(SIGNER, positionOf(history, 2));
        ChainCheckpoint atFour = take(SIGNER, positionOf(history, 4));
        take(SIGNER, positionOf(history, 6));
        // Still true of the chain, so its own signature is not what gives it away.
        witness.tamperReplace(1, new StoredCheckpoint.Readable(edited(atFour, 4, atFour.hash(),
                atFour.takenAt().minusSeconds(60))));

        ChainVerification edited = verify(history);

        assertBroken(edited, 6, ChainVerification.Fault.FORGED_CHECKPOINT);
        assertThat(((ChainVerification.Broken) edited).explanation()).endsWith("does not follow the checkpoint before "
                + "it: the witness was edited, or entries removed or inserted, before it");

        witness.tamperRemove(1);
        assertBroken(verify(history), 6, ChainVerification.Fault.FORGED_CHECKPOINT);
        witness.tamperAdd(new StoredCheckpoint.Readable(atTwo));
        assertBroken(verify(history), 2, ChainVerification.Fault.FORGED_CHECKPOINT);
    }

    @Test
    void aCheckpointSignedByAnUntrustedKeyIsAForgeryEvenIfItMatches() {
        InMemoryAuditHistory history = historyOf(2);
        CheckpointSigner stranger = newSigner();
        take(stranger, history.head());

        ChainVerification verification = verify(history);

        assertBroken(verification, 2, ChainVerification.Fault.FORGED_CHECKPOINT);
        assertThat(((ChainVerification.Broken) verification).explanation())
                .contains("signed by key " + stranger.keyId() + ", which is not a trusted checkpoint key");
    }

    @Test
    void aForgedLastCheckpointIsReportedThoughItMatchesTheChain() {
        InMemoryAuditHistory history = historyOf(3);
        ChainCheckpoint atThree = takeHead(history);
        // A checkpoint written without the key: right links, right content, a made-up signature.
        witness.tamperAdd(new StoredCheckpoint.Readable(new ChainCheckpoint(3, atThree.hash(),
                atThree.takenAt().plusSeconds(60), atThree.keyId(), atThree.digest(),
                new byte[ChainCheckpoint.SIGNATURE_BYTES])));

        assertBroken(verify(history), 3, ChainVerification.Fault.FORGED_CHECKPOINT);
    }

    @Test
    void aDamagedEntryIsReportedAfterTheCheckpointBeforeIt() {
        InMemoryAuditHistory history = historyOf(4);
        takeHead(history);
        witness.tamperAdd(new StoredCheckpoint.Unreadable(4, "checkpoints.jsonl line 2", "not JSON"));

        assertThat(verify(history)).isEqualTo(new ChainVerification.Broken(5,
                ChainVerification.Fault.FORGED_CHECKPOINT, "checkpoints.jsonl line 2 does not read as a checkpoint "
                + "(not JSON); the witness after event 4 was edited", 2));
    }

    @Test
    void theEarliestBreakWinsWhicheverFoundIt() {
        InMemoryAuditHistory history = historyOf(6);
        take(SIGNER, positionOf(history, 2));
        takeHead(history);
        AuditEvent second = history.all().get(1);
        history.tamperReplace(2, event(2, "altered"));
        history.tamperTruncate(5);

        ChainVerification altered = verify(history);
        assertBroken(altered, 2, ChainVerification.Fault.ALTERED_EVENT);
        assertThat(altered.checkpointsChecked()).isEqualTo(2);

        history.tamperReplace(2, second);
        history.tamperRemove(4);
        assertThat(history.verifyChain()).extracting(v -> ((ChainVerification.Broken) v).sequence()).isEqualTo(4L);
        witness.tamperAdd(new StoredCheckpoint.Unreadable(6, "checkpoints.jsonl line 3", "not JSON"));
        witness.tamperReplace(1, new StoredCheckpoint.Unreadable(2, "checkpoints.jsonl line 2", "not JSON"));
        assertBroken(verify(history), 3, ChainVerification.Fault.FORGED_CHECKPOINT);
    }

    @Test
    void aCheckpointOfEventsAppendedAfterTheWalkIsNoTruncation() {
        InMemoryAuditHistory history = historyOf(3);
        ChainVerification walkedEarlier = history.verifyChain();
        history.append(event(4, "req-4"));
        ChainCheckpoint atFour = takeHead(history);

        CheckpointCheck check = new CheckpointCheck(TRUSTED);
        check.check(new StoredCheckpoint.Readable(atFour), Optional.of(positionOf(history, 4).hash()));

        assertThat(check.against(walkedEarlier).isIntact()).isTrue();
    }

    @Test
    void aWalkStartsAtTheLatestCheckpointWalkedFromTheFirstEventOn() {
        InMemoryAuditHistory history = historyOf(8);
        ChainCheckpoint first = takeWalked(positionOf(history, 3), 0);
        take(SIGNER, positionOf(history, 4)); // states no walk
        ChainCheckpoint second = takeWalked(positionOf(history, 5), 3);
        takeWalked(positionOf(history, 7), 4); // walked after one that states no walk: vouches for nothing before 4
        take(SIGNER, positionOf(history, 8));

        CheckpointCheck check = checked(history);

        assertThat(first.sequence()).isEqualTo(3);
        assertThat(check.walkStart()).contains(second);
        assertThat(check.against(history.verifyChain()))
                .extracting(v -> ((ChainVerification.Intact) v).latestCheckpoint().orElseThrow().sequence())
                .as("the latest checkpoint is still reported").isEqualTo(8L);
    }

    @Test
    void checkpointsThatStateNoWalkGiveNoWalkStart() {
        InMemoryAuditHistory history = historyOf(4);
        take(SIGNER, positionOf(history, 2));
        takeHead(history);

        assertThat(checked(history).walkStart()).isEmpty();
    }

    @Test
    void noWalkStartOnceAnythingIsFound() {
        InMemoryAuditHistory history = historyOf(6);
        takeWalked(positionOf(history, 3), 0);
        takeWalked(positionOf(history, 6), 3);
        history.tamperTruncate(5);

        assertThat(checked(history).walkStart()).isEmpty();
    }

    /** Witnesses {@code position} as the first checkpoint after the database went back, naming {@code cut}. */
    private ChainCheckpoint takeAfterCut(ChainPosition position, ChainCut cut) {
        return witness.append(latest -> Optional.of(SIGNER.signAfterCut(position, T0.plusSeconds(3600 + position.sequence()),
                ChainCheckpoint.digestOf(latest), java.util.OptionalLong.empty(), cut))).orElseThrow();
    }

    private static ChainCut cutOf(InMemoryAuditHistory history, long setAsideSequence) {
        ChainHash some = positionOf(history, 1).hash();
        return new ChainCut(setAsideSequence, some, some, T0, 0, Optional.empty());
    }

    /**
     * A cut beside a break is shown only if its checkpoint's own signature holds (ADR 0022, amended in session 52): a
     * checkpoint whose cut was edited (its signature no longer verifies) is the break, and names no cut that would
     * explain it away. Untested before session 53.
     */
    @Test
    void aCutInACheckpointWhoseOwnSignatureFailsIsNotShownBesideTheBreak() {
        InMemoryAuditHistory history = historyOf(4);
        take(SIGNER, positionOf(history, 2));
        ChainCheckpoint genuine = takeAfterCut(positionOf(history, 4), cutOf(history, 9));
        witness.tamperReplace(1, new StoredCheckpoint.Readable(new ChainCheckpoint(genuine.sequence(), genuine.hash(),
                genuine.takenAt(), genuine.keyId(), genuine.previous(), genuine.walkedAfter(),
                Optional.of(cutOf(history, 12)), genuine.signature())));

        ChainVerification verification = verify(history);

        assertBroken(verification, 4, ChainVerification.Fault.FORGED_CHECKPOINT);
        assertThat(((ChainVerification.Broken) verification).cutAt()).as("a cut its own signature does not vouch for")
                .isEmpty();
    }

    /** The same break beside a cut whose checkpoint's signature holds: the cut is shown, and may explain the break. */
    @Test
    void aCutInACheckpointWhoseOwnSignatureHoldsIsShownBesideALaterBreak() {
        InMemoryAuditHistory history = historyOf(5);
        ChainCheckpoint cutAt = takeAfterCut(positionOf(history, 3), cutOf(history, 9));
        take(SIGNER, positionOf(history, 5));
        history.tamperTruncate(4);

        ChainVerification verification = verify(history);

        assertBroken(verification, 4, ChainVerification.Fault.TRUNCATED);
        assertThat(((ChainVerification.Broken) verification).cutAt()).contains(cutAt);
    }
}
