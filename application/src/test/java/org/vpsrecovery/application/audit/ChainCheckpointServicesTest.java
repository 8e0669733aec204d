package org.vpsrecovery.application.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.StoredCheckpoint;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.port.ChainPositions;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.testing.InMemoryChainCheckpoints;

class ChainCheckpointServicesTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final AuditReader auditor = new AuditReader.Auditor("compliance");

    private void createSnapshot(String name) {
        platform.createSnapshot().createSnapshot(new CreateSnapshotCommand(platform.as(PlatformFixture.BLUE),
                PlatformFixture.WEB, new SnapshotName(name), Optional.empty()));
    }

    @Test
    void aCheckpointIsTakenOnlyWhenTheHeadMoved() {
        RecordChainCheckpointService service = platform.recordChainCheckpoint();
        Instant start = platform.clock.instant();
        assertThat(service.recordIfMoved().recorded()).as("an empty chain has nothing to witness").isEmpty();

        createSnapshot("one");
        RecordChainCheckpointService.Round first = service.recordIfMoved();
        ChainPosition firstHead = platform.history.head();
        platform.clock.advance(Duration.ofMinutes(1));
        RecordChainCheckpointService.Round idle = service.recordIfMoved();
        createSnapshot("two");
        platform.clock.advance(Duration.ofMinutes(1));
        RecordChainCheckpointService.Round second = service.recordIfMoved();

        assertThat(first.recorded()).isPresent();
        assertThat(first.recorded().get().position()).isEqualTo(firstHead);
        assertThat(first.recorded().get().takenAt()).isEqualTo(start);
        assertThat(idle.recorded()).isEmpty();
        assertThat(second.recorded().map(ChainCheckpoint::sequence)).contains(4L);
        assertThat(second.previous()).isEqualTo(first.recorded());
        assertThat(platform.checkpoints.readAll().toList()).hasSize(2);
        assertThat(second.headMovedBack()).isFalse();
    }

    @Test
    void verifyComparesTheChainWithEveryCheckpoint() {
        createSnapshot("one");
        platform.recordChainCheckpoint().recordIfMoved();
        createSnapshot("two");
        ChainCheckpoint latest = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow();

        ChainVerification verification = platform.verifyAuditChain().verifyAuditChain(auditor);

        assertThat(verification).isEqualTo(new ChainVerification.Intact(4, platform.history.head().hash(), 2,
                Optional.of(latest)));
        assertThatThrownBy(() -> platform.verifyAuditChain().verifyAuditChain(new AuditReader.Team(PlatformFixture.BLUE)))
                .isInstanceOf(AccessDenied.class);
    }

    @Test
    void verifyFromTheLatestCheckpointWalksTheEventsSinceIt() {
        createSnapshot("one");
        platform.recordChainCheckpoint().recordIfMoved();
        createSnapshot("two");
        ChainCheckpoint latest = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow();
        createSnapshot("three");

        ChainVerification since = platform.verifyAuditChain().verifyAuditChain(auditor,
                VerifyAuditChainUseCase.WalkStart.LATEST_CHECKPOINT);

        assertThat(latest.sequence()).isEqualTo(4);
        assertThat(since).isEqualTo(new ChainVerification.Intact(2, platform.history.head().hash(), 2,
                Optional.of(latest), 4));
        assertThat(platform.verifyAuditChain().verifyAuditChain(auditor)).isEqualTo(new ChainVerification.Intact(6,
                platform.history.head().hash(), 2, Optional.of(latest), 0));
    }

    @Test
    void verifyFromTheLatestCheckpointWalksFromTheFirstEventWhenACheckpointDoesNotHold() {
        createSnapshot("one");
        createSnapshot("two");
        platform.recordChainCheckpoint().recordIfMoved();
        platform.history.tamperTruncate(3);

        ChainVerification verification = platform.verifyAuditChain().verifyAuditChain(auditor,
                VerifyAuditChainUseCase.WalkStart.LATEST_CHECKPOINT);

        assertThat(verification).isEqualTo(platform.verifyAuditChain().verifyAuditChain(auditor));
        assertThat((ChainVerification.Broken) verification).extracting(ChainVerification.Broken::sequence,
                ChainVerification.Broken::fault).containsExactly(3L, ChainVerification.Fault.TRUNCATED);
    }

    @Test
    void verifyReportsTheChainCutBackThatTheWalkAloneMisses() {
        createSnapshot("one");
        createSnapshot("two");
        platform.recordChainCheckpoint().recordIfMoved();
        platform.history.tamperTruncate(3);
        assertThat(platform.history.verifyChain().isIntact()).isTrue();

        ChainVerification verification = platform.verifyAuditChain().verifyAuditChain(auditor);
        RecordChainCheckpointService.Round next = platform.recordChainCheckpoint().recordIfMoved();

        assertThat(verification).isInstanceOf(ChainVerification.Broken.class);
        assertThat((ChainVerification.Broken) verification).extracting(ChainVerification.Broken::sequence,
                ChainVerification.Broken::fault).containsExactly(3L, ChainVerification.Fault.TRUNCATED);
        assertThat(next.headMovedBack()).isTrue();
    }

    /**
     * An event read as a later release's, its hash holding, hides no checkpoint's finding after it: the rewritten
     * history is reported, not the later release's event before it. Before session 48's second look it was the event.
     */
    @Test
    void aCheckpointsFindingComesAheadOfAnEarlierEventOfALaterRelease() {
        createSnapshot("one");
        createSnapshot("two");
        long checkpointed = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow().sequence();
        platform.history.tamperTruncate(3);
        createSnapshot("three");
        createSnapshot("four");
        platform.history.tamperLaterRelease(1, "the operation A_LATER_OPERATION");
        assertThat(platform.history.verifyChain()).isInstanceOfSatisfying(ChainVerification.Broken.class,
                later -> assertThat(later.fault()).isEqualTo(ChainVerification.Fault.WRITTEN_BY_A_LATER_RELEASE));

        ChainVerification verification = platform.verifyAuditChain().verifyAuditChain(auditor);

        assertThat((ChainVerification.Broken) verification).extracting(ChainVerification.Broken::sequence,
                ChainVerification.Broken::fault).containsExactly(checkpointed, ChainVerification.Fault.REWRITTEN);
    }

    @Test
    void verifyReportsAForgedCheckpoint() {
        createSnapshot("one");
        ChainCheckpoint genuine = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow();
        platform.checkpoints.tamperReplace(0, new StoredCheckpoint.Readable(new ChainCheckpoint(genuine.sequence(),
                genuine.hash(), genuine.takenAt().plusSeconds(1), genuine.keyId(), genuine.previous(),
                genuine.signature())));

        ChainVerification verification = platform.verifyAuditChain().verifyAuditChain(auditor);

        assertThat((ChainVerification.Broken) verification).extracting(ChainVerification.Broken::sequence,
                ChainVerification.Broken::fault).containsExactly(2L, ChainVerification.Fault.FORGED_CHECKPOINT);
    }

    @Test
    void verifyLooksUpMoreCheckpointsThanOneLookupHolds() {
        createSnapshot("one");
        ChainPosition head = platform.history.head();
        int many = ChainPositions.MAX_LOOKUP + 5;
        for (int i = 0; i < many; i++) {
            Instant at = platform.clock.instant().plusSeconds(i);
            platform.checkpoints.append(latest -> Optional.of(platform.checkpointSigner.sign(head, at,
                    ChainCheckpoint.digestOf(latest))));
        }

        ChainVerification verification = platform.verifyAuditChain().verifyAuditChain(auditor);

        assertThat(verification.isIntact()).isTrue();
        assertThat(verification.checkpointsChecked()).isEqualTo(many);
    }

    private ChainCheckpoint witnessHeadWithoutWalk() {
        ChainPosition head = platform.history.head();
        return platform.checkpoints.append(latest -> Optional.of(platform.checkpointSigner.sign(head,
                platform.clock.instant(), ChainCheckpoint.digestOf(latest)))).orElseThrow();
    }

    @Test
    void eachRoundWalksTheEventsSinceTheLastWalkedCheckpointBeforeSigning() {
        createSnapshot("one");
        ChainCheckpoint first = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow();
        createSnapshot("two");
        ChainCheckpoint second = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow();

        assertThat(first.sequence()).isEqualTo(2);
        assertThat(first.walkedAfter()).as("from the first event").hasValue(0);
        assertThat(second.sequence()).isEqualTo(4);
        assertThat(second.walkedAfter()).hasValue(2);
        assertThat(second.format()).isEqualTo(ChainCheckpoint.FORMAT);
    }

    /**
     * The walk reads every committed event, some not yet durable (ADR 0102): the checkpoint signs the durable head it
     * walked through, never a commit past it that a crash could take back (then read as a chain cut back).
     */
    @Test
    void aWalkPastTheDurableHeadSignsTheDurableHead() {
        createSnapshot("one");
        ChainPosition durable = platform.history.head();
        createSnapshot("two");
        ChainPositions lagging = new ChainPositions() {
            @Override
            public ChainPosition head() {
                return durable;
            }

            @Override
            public java.util.Map<Long, org.vpsrecovery.domain.audit.ChainHash> hashesAt(java.util.Collection<Long> sequences) {
                return platform.history.hashesAt(sequences);
            }
        };
        RecordChainCheckpointService service = new RecordChainCheckpointService(platform.history, lagging,
                platform.checkpoints, platform.checkpointSigner,
                org.vpsrecovery.domain.audit.CheckpointKeys.of(List.of(platform.checkpointSigner.publicKey())), platform.clock);

        ChainCheckpoint signed = service.recordIfMoved().recorded().orElseThrow();

        assertThat(platform.history.head().sequence()).isGreaterThan(durable.sequence());
        assertThat(signed.sequence()).isEqualTo(durable.sequence());
        assertThat(signed.hash()).isEqualTo(durable.hash());
        assertThat(signed.walkedAfter()).hasValue(0);
    }

    @Test
    void aChainThatDoesNotHoldIsNotSigned() {
        createSnapshot("one");
        platform.recordChainCheckpoint().recordIfMoved();
        createSnapshot("two");
        platform.history.tamperReplace(3, new AuditEvent(platform.clock.instant(), PlatformFixture.BLUE,
                new RequestId("edited"), Operation.CREATE_SNAPSHOT, Optional.empty(), Optional.empty(),
                new Outcome.Accepted(), OptionalInt.empty(), Map.of()));

        RecordChainCheckpointService.Round round = platform.recordChainCheckpoint().recordIfMoved();
        ChainVerification since = platform.verifyAuditChain().verifyAuditChain(auditor,
                VerifyAuditChainUseCase.WalkStart.LATEST_CHECKPOINT);

        assertThat(round.recorded()).isEmpty();
        assertThat(round.broken()).map(ChainVerification.Broken::sequence).contains(3L);
        assertThat(platform.checkpoints.readAll().toList()).hasSize(1);
        assertThat((ChainVerification.Broken) since).extracting(ChainVerification.Broken::sequence).isEqualTo(3L);
    }

    @Test
    void aHistoryWitnessedOnlyByCheckpointsStatingNoWalkIsWalkedFromItsFirstEvent() {
        createSnapshot("one");
        witnessHeadWithoutWalk();
        createSnapshot("two");

        ChainCheckpoint walked = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow();

        assertThat(walked.sequence()).isEqualTo(4);
        assertThat(walked.walkedAfter()).hasValue(0);
    }

    @Test
    void onTheWayOutTheHeadIsSignedAsStoredUnlessAWalkedCheckpointIsThere() {
        RecordChainCheckpointService service = platform.recordChainCheckpoint();
        createSnapshot("one");
        ChainCheckpoint unwalked = service.recordIfMoved(RecordChainCheckpointService.Walk.ONLY_SINCE_A_WALKED_CHECKPOINT)
                .recorded().orElseThrow();
        createSnapshot("two");
        ChainCheckpoint walked = service.recordIfMoved().recorded().orElseThrow();
        createSnapshot("three");
        ChainCheckpoint onTheWayOut = service.recordIfMoved(
                RecordChainCheckpointService.Walk.ONLY_SINCE_A_WALKED_CHECKPOINT).recorded().orElseThrow();

        assertThat(unwalked.walkedAfter()).isEmpty();
        assertThat(unwalked.format()).isEqualTo(ChainCheckpoint.FORMAT_NOT_WALKED);
        assertThat(walked.walkedAfter()).hasValue(0);
        assertThat(onTheWayOut.sequence()).isEqualTo(6);
        assertThat(onTheWayOut.walkedAfter()).hasValue(4);
    }

    @Test
    void anotherInstancesWalkingCheckpointIsWhereTheNextWalkStarts() {
        RecordChainCheckpointService one = platform.recordChainCheckpoint();
        RecordChainCheckpointService other = platform.recordChainCheckpoint();
        createSnapshot("one");
        one.recordIfMoved();
        createSnapshot("two");
        ChainCheckpoint byOther = other.recordIfMoved().recorded().orElseThrow();
        createSnapshot("three");
        ChainCheckpoint next = one.recordIfMoved().recorded().orElseThrow();

        assertThat(byOther.walkedAfter()).hasValue(2);
        assertThat(next.walkedAfter()).as("walked from the other instance's checkpoint, not again from 2").hasValue(4);
    }

    @Test
    void verifyFromTheLatestCheckpointStartsAtTheLatestWalkedOne() {
        createSnapshot("one");
        ChainCheckpoint walked = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow();
        createSnapshot("two");
        witnessHeadWithoutWalk();
        createSnapshot("three");

        ChainVerification since = platform.verifyAuditChain().verifyAuditChain(auditor,
                VerifyAuditChainUseCase.WalkStart.LATEST_CHECKPOINT);

        assertThat(since.isIntact()).isTrue();
        assertThat(((ChainVerification.Intact) since).walkedAfter()).isEqualTo(walked.sequence());
        assertThat(((ChainVerification.Intact) since).eventsChecked()).isEqualTo(4);
    }

    /**
     * The platform's database went back (a failover that lost the last transactions, a restore to a point in time) below
     * a signed checkpoint, and new events took its sequences: no round signs again, in the running instance or after a
     * restart, since the stored checkpoints no longer hold (ADR 0052, amended in session 36). With the checkpoints set
     * aside (kept for auditors: they vouch up to the point restored) the next instance's first round walks the whole
     * chain and signs its head. What docs/deploy.md's procedure rests on (ADR 0052, amended in session 46).
     */
    @Test
    void afterTheHistoryWentBackBelowACheckpointOnlyAnInstanceWithTheCheckpointsSetAsideSignsAgain() {
        createSnapshot("one");
        RecordChainCheckpointService running = platform.recordChainCheckpoint();
        running.recordIfMoved();
        createSnapshot("lost");
        assertThat(running.recordIfMoved().recorded().map(ChainCheckpoint::sequence)).contains(4L);
        platform.history.tamperTruncate(3); // the failover or the restore: back to event 2
        createSnapshot("after");
        createSnapshot("later"); // the head (6) is past the checkpoint of event 4, which no longer holds

        RecordChainCheckpointService.Round stillRunning = running.recordIfMoved();
        RecordChainCheckpointService.Round restarted = platform.recordChainCheckpoint().recordIfMoved();
        InMemoryChainCheckpoints setAside = new InMemoryChainCheckpoints(); // the file moved away: a new one
        RecordChainCheckpointService restartedWithout = new RecordChainCheckpointService(platform.history,
                platform.history, setAside, platform.checkpointSigner,
                CheckpointKeys.of(List.of(platform.checkpointSigner.publicKey())), platform.clock);
        RecordChainCheckpointService.Round first = restartedWithout.recordIfMoved();

        assertThat(stillRunning.recorded()).isEmpty();
        assertThat(stillRunning.broken()).isPresent();
        assertThat(restarted.recorded()).isEmpty();
        assertThat(restarted.broken()).isPresent();
        assertThat(first.recorded()).hasValueSatisfying(signed -> {
            assertThat(signed.position()).isEqualTo(platform.history.head());
            assertThat(signed.walkedAfter()).hasValue(0L); // walked from the first event
        });
    }

    /**
     * The operator names the set-aside file at the restart: the first checkpoint signed names its last checkpoint and
     * what the restored chain still held of it, and verification reports the cut instead of an intact chain that seems
     * to begin with nothing before it (ADR 0022, amended in session 51).
     */
    @Test
    void afterTheDatabaseWentBackTheFirstCheckpointNamesTheSetAsideFileAndVerificationReportsTheCut() {
        createSnapshot("one");
        RecordChainCheckpointService running = platform.recordChainCheckpoint();
        ChainCheckpoint held = running.recordIfMoved().recorded().orElseThrow();
        createSnapshot("lost");
        ChainCheckpoint lastSetAside = running.recordIfMoved().recorded().orElseThrow();
        platform.history.tamperTruncate(3); // the restore: back to event 2
        createSnapshot("after");
        createSnapshot("later");

        CheckpointKeys trusted = CheckpointKeys.of(List.of(platform.checkpointSigner.publicKey()));
        InMemoryChainCheckpoints fresh = new InMemoryChainCheckpoints(); // chain-checkpoints.jsonl moved away
        SetAsideCheckpoints setAside = SetAsideCheckpoints.of(platform.checkpoints, trusted);
        RecordChainCheckpointService restarted = new RecordChainCheckpointService(platform.history, platform.history,
                fresh, platform.checkpointSigner, trusted, platform.clock, Optional.of(setAside));
        ChainCheckpoint first = restarted.recordIfMoved().recorded().orElseThrow();
        createSnapshot("next");
        ChainCheckpoint second = restarted.recordIfMoved().recorded().orElseThrow();
        ChainVerification verified = new VerifyAuditChainService(platform.history, platform.history, fresh, trusted,
                platform.auditReadSlots).verifyAuditChain(auditor);

        assertThat(held.sequence()).isEqualTo(2L);
        assertThat(first.cut()).hasValueSatisfying(cut -> {
            assertThat(cut.setAsideSequence()).isEqualTo(lastSetAside.sequence());
            assertThat(cut.setAsideDigest()).isEqualTo(lastSetAside.digest());
            assertThat(cut.setAsideTakenAt()).isEqualTo(lastSetAside.takenAt());
            assertThat(cut.heldThrough()).isEqualTo(2L);
            assertThat(cut.heldThroughTakenAt()).contains(held.takenAt());
        });
        assertThat(first.format()).isEqualTo(ChainCheckpoint.FORMAT_AFTER_CUT);
        assertThat(trusted.verifies(first)).isTrue();
        assertThat(second.cut()).as("only the first checkpoint after the cut names it").isEmpty();
        // The drift scan's lost window (ADR 0035, amended in session 52): from the last checkpoint held to the first.
        assertThat(new org.vpsrecovery.application.drift.CheckpointsLostWork(fresh).get())
                .contains(new org.vpsrecovery.domain.drift.LostWork(held.takenAt(), first.takenAt()));
        assertThat(new org.vpsrecovery.application.drift.CheckpointsLostWork(platform.checkpoints).get()).isEmpty();
        assertThat(verified).isInstanceOfSatisfying(ChainVerification.Intact.class, intact -> {
            assertThat(intact.cutAt()).contains(first);
            assertThat(intact.cutAt().orElseThrow().cut().orElseThrow().describe(first))
                    .contains("events 3 to 4").contains("event 2");
        });
    }

    /**
     * A break found after the database went back does not hide the cut: verification names both, the break first and
     * the cut beside it, which may explain it (ADR 0022, amended in session 52). Before, the cut was shown only when
     * the chain verified intact.
     */
    @Test
    void aBreakAfterTheDatabaseWentBackIsReportedWithTheCut() {
        createSnapshot("one");
        RecordChainCheckpointService running = platform.recordChainCheckpoint();
        running.recordIfMoved().recorded().orElseThrow();
        createSnapshot("lost");
        running.recordIfMoved().recorded().orElseThrow();
        platform.history.tamperTruncate(3); // the restore: back to event 2
        createSnapshot("after");
        CheckpointKeys trusted = CheckpointKeys.of(List.of(platform.checkpointSigner.publicKey()));
        InMemoryChainCheckpoints fresh = new InMemoryChainCheckpoints();
        RecordChainCheckpointService restarted = new RecordChainCheckpointService(platform.history, platform.history,
                fresh, platform.checkpointSigner, trusted, platform.clock,
                Optional.of(SetAsideCheckpoints.of(platform.checkpoints, trusted)));
        ChainCheckpoint first = restarted.recordIfMoved().recorded().orElseThrow();
        createSnapshot("next");
        platform.history.tamperRemove(5); // an event after the cut, removed behind the platform's back

        ChainVerification verified = new VerifyAuditChainService(platform.history, platform.history, fresh, trusted,
                platform.auditReadSlots).verifyAuditChain(auditor);

        assertThat(first.cut()).isPresent();
        assertThat(verified).isInstanceOfSatisfying(ChainVerification.Broken.class, broken -> {
            assertThat(broken.sequence()).isEqualTo(5L);
            assertThat(broken.cutAt()).contains(first);
        });
    }

    @Test
    void aSetAsideFileMustEndInACheckpointATrustedKeySigned() {
        CheckpointKeys trusted = CheckpointKeys.of(List.of(platform.checkpointSigner.publicKey()));
        assertThatThrownBy(() -> SetAsideCheckpoints.of(new InMemoryChainCheckpoints(), trusted))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no checkpoint");
        createSnapshot("one");
        platform.recordChainCheckpoint().recordIfMoved();
        CheckpointKeys another = CheckpointKeys.of(List.of(PlatformFixture.newCheckpointSigner().publicKey()));
        assertThatThrownBy(() -> SetAsideCheckpoints.of(platform.checkpoints, another))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trusted");
    }
}
