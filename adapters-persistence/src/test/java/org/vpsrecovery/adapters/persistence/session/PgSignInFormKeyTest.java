package org.vpsrecovery.adapters.persistence.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;

/**
 * The sign-in form's key (V70, ADR 0041 amended in session 50): instances starting at once, each with a random
 * candidate of its own, all read the one key the first stored, and an instance started later reads it too.
 */
class PgSignInFormKeyTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @Test
    void instancesStartingAtOnceAgreeOnOneKeyWhichLaterInstancesRead() throws Exception {
        int instances = 6;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService starting = Executors.newFixedThreadPool(instances);
        List<byte[]> candidates = new ArrayList<>();
        List<Future<byte[]>> keys = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                byte[] candidate = new byte[32];
                java.util.Arrays.fill(candidate, (byte) (i + 1));
                candidates.add(candidate);
                PgSignInFormKey instance = new PgSignInFormKey(DATABASE.dataSource());
                keys.add(starting.submit(() -> {
                    go.await();
                    return instance.shared(candidate);
                }));
            }
            go.countDown();
            List<String> read = new ArrayList<>();
            for (Future<byte[]> key : keys) {
                read.add(java.util.HexFormat.of().formatHex(key.get(60, TimeUnit.SECONDS)));
            }

            assertThat(read).containsOnly(read.getFirst());
            assertThat(candidates).extracting(java.util.HexFormat.of()::formatHex).contains(read.getFirst());
            byte[] later = new byte[32];
            assertThat(java.util.HexFormat.of().formatHex(new PgSignInFormKey(DATABASE.dataSource()).shared(later)))
                    .isEqualTo(read.getFirst());
        } finally {
            starting.shutdownNow();
        }
    }
}
