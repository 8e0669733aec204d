package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsDefaultsWarmUpTest {

    @Test
    void buildsTheJdksDefaultTlsContextOnADaemonThreadOfItsOwn() throws InterruptedException {
        TlsDefaultsWarmUp warmUp = TlsDefaultsWarmUp.start();

        assertThat(warmUp.built(60_000)).isTrue();
        assertThat(warmUp.thread().getName()).isEqualTo(TlsDefaultsWarmUp.THREAD_NAME);
        assertThat(warmUp.thread().isDaemon()).isTrue();
    }

    @Test
    void releasedOnceTheContextHasStarted() throws InterruptedException {
        TlsDefaultsWarmUp warmUp = TlsDefaultsWarmUp.start();
        warmUp.built(60_000);

        warmUp.release();

        assertThat(warmUp.built(0)).isFalse();
    }
}
