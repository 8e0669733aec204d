package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The continue-restores job while paused after a database restore asks the service nothing, so VPS.org nothing: the
 * restored database may have forgotten that a waiting restore was continued already (ADR 0028, own-merge review of
 * session 52). Untested before session 53.
 */
class ContinueRestoresWhilePausedTest {

    @Test
    void whilePausedNoWaitingRestoreIsContinuedAndWithoutThePauseItIs() {
        AtomicInteger ticks = new AtomicInteger();
        ClusterJobs.ContinueRestores paused = new ClusterJobs.ContinueRestores(ticks::incrementAndGet, true);

        paused.runOnce();
        paused.runOnce();
        assertThat(ticks).as("continue-restores ticks while paused").hasValue(0);

        new ClusterJobs.ContinueRestores(ticks::incrementAndGet, false).runOnce();
        assertThat(ticks).as("continue-restores ticks without the pause").hasValue(1);
    }
}
