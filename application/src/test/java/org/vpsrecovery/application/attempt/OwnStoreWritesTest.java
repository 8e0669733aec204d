package org.vpsrecovery.application.attempt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformUnavailable;

class OwnStoreWritesTest {

    private static PlatformOutcomeUnknown inDoubt(RuntimeException cause) {
        return new PlatformOutcomeUnknown("the store failed while adding it; look before trying again", cause);
    }

    @Test
    void aWriteThatAnsweredGivesItsAnswer() {
        AtomicInteger ran = new AtomicInteger();

        assertThat(OwnStoreWrites.committedOrInDoubt(() -> ran.incrementAndGet() == 1, OwnStoreWritesTest::inDoubt)).isTrue();
        OwnStoreWrites.committedOrInDoubt(() -> { ran.incrementAndGet(); }, OwnStoreWritesTest::inDoubt);

        assertThat(ran).hasValue(2);
    }

    /** The store's own "nothing was done, try again" is its account of what happened: passed on as it is. */
    @Test
    void theStoresOwnTypedFailurePassesUnchanged() {
        PlatformUnavailable notDone = new PlatformUnavailable("no connection", Duration.ofSeconds(2), null);

        assertThatThrownBy(() -> OwnStoreWrites.committedOrInDoubt(() -> { throw notDone; }, OwnStoreWritesTest::inDoubt))
                .isSameAs(notDone);
    }

    /** Any other failure may have come after the commit: never "try again", which would make a second of it. */
    @Test
    void anyOtherFailureIsAnOutcomeInDoubtCarryingItsCause() {
        IllegalStateException lost = new IllegalStateException("connection lost after COMMIT was sent");

        assertThatThrownBy(() -> OwnStoreWrites.committedOrInDoubt(() -> { throw lost; }, OwnStoreWritesTest::inDoubt))
                .isInstanceOfSatisfying(PlatformOutcomeUnknown.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.PLATFORM_OUTCOME_UNKNOWN);
                    assertThat(e.getCause()).isSameAs(lost);
                });
    }
}
