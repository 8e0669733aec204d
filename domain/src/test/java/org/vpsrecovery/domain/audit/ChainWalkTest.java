package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;

class ChainWalkTest {

    private static final AuditEvent A = event("a");
    private static final AuditEvent B = event("b");
    private static final ChainHash HASH_A = AuditChain.link(ChainHash.GENESIS, 1, A);
    private static final ChainHash HASH_B = AuditChain.link(HASH_A, 2, B);

    private static AuditEvent event(String requestId) {
        return new AuditEvent(Instant.parse("2026-01-15T10:00:00Z"), new TeamId("blue"), new RequestId(requestId),
                Operation.DELETE_SNAPSHOT, Optional.empty(), Optional.empty(), new Outcome.Completed(),
                OptionalInt.of(204), Map.of());
    }

    @Test
    void anIntactChainEndsAtItsHead() {
        ChainWalk walk = new ChainWalk();
        assertThat(walk.next(1, A, ChainHash.GENESIS, HASH_A)).isEmpty();
        assertThat(walk.next(2, B, HASH_A, HASH_B)).isEmpty();

        assertThat(walk.finish(2, HASH_B)).isEqualTo(new ChainVerification.Intact(2, HASH_B));
    }

    @Test
    void theFirstEventMustBeNumberOne() {
        assertThat(new ChainWalk().next(2, B, HASH_A, HASH_B)).contains(new ChainVerification.Broken(1,
                ChainVerification.Fault.MISSING_EVENT, "event 1 is missing; the next stored event is 2"));
    }

    @Test
    void anEventBeyondTheHeadWasNotAppendedThroughTheChain() {
        ChainWalk walk = new ChainWalk();
        walk.next(1, A, ChainHash.GENESIS, HASH_A);
        walk.next(2, B, HASH_A, HASH_B);

        assertThat(walk.finish(1, HASH_A)).isEqualTo(new ChainVerification.Broken(2,
                ChainVerification.Fault.HEAD_MISMATCH, "event 2 lies beyond the chain head at 1"));
    }

    @Test
    void aHeadWithAnotherHashDoesNotMatch() {
        ChainWalk walk = new ChainWalk();
        walk.next(1, A, ChainHash.GENESIS, HASH_A);

        assertThat(walk.finish(1, HASH_B)).extracting(v -> ((ChainVerification.Broken) v).fault())
                .isEqualTo(ChainVerification.Fault.HEAD_MISMATCH);
    }

    @Test
    void anEmptyChainIsIntactOnlyWithTheGenesisHead() {
        assertThat(new ChainWalk().finish(0, ChainHash.GENESIS)).isEqualTo(new ChainVerification.Intact(0, ChainHash.GENESIS));
        assertThat(new ChainWalk().finish(3, HASH_A)).isEqualTo(new ChainVerification.Broken(1,
                ChainVerification.Fault.MISSING_EVENT, "the chain head is at 3 but the stored events end at 0"));
    }

    @Test
    void aWalkAfterACheckpointStartsFromItsHash() {
        ChainWalk walk = ChainWalk.after(1, HASH_A);
        assertThat(walk.firstSequence()).isEqualTo(2);
        assertThat(walk.next(2, B, HASH_A, HASH_B)).isEmpty();

        assertThat(walk.finish(2, HASH_B)).isEqualTo(new ChainVerification.Intact(1, HASH_B, 0, Optional.empty(), 1));
        assertThat(ChainWalk.after(1, HASH_B).next(2, B, HASH_A, HASH_B)).map(ChainVerification.Broken::fault)
                .contains(ChainVerification.Fault.BROKEN_LINK);
        assertThat(ChainWalk.after(2, HASH_B).finish(1, HASH_A)).isEqualTo(new ChainVerification.Broken(2,
                ChainVerification.Fault.HEAD_MISMATCH, "the chain head is at 1, below event 2 the walk started after"));
    }

    @Test
    void theLinkAndTheContentCheckedApartFindWhatNextFinds() {
        ChainWalk walk = new ChainWalk();
        assertThat(walk.link(1, ChainHash.GENESIS, HASH_A)).isEmpty();
        assertThat(ChainWalk.content(1, A, ChainHash.GENESIS, HASH_A)).isEmpty();
        assertThat(ChainWalk.content(2, A, HASH_A, HASH_B)).contains(new ChainVerification.Broken(2,
                ChainVerification.Fault.ALTERED_EVENT, "event 2 no longer matches its stored hash"));
        assertThat(walk.link(3, HASH_A, HASH_B)).contains(new ChainVerification.Broken(2,
                ChainVerification.Fault.MISSING_EVENT, "event 2 is missing; the next stored event is 3"));
    }
}
