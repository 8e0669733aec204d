package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.DefaultBeanContext;
import io.micronaut.context.event.ShutdownEvent;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.adapters.persistence.checkpoint.FileChainCheckpoints;
import org.vpsrecovery.application.audit.RecordChainCheckpointService;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.CheckpointSigner;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * The round on the way out never holds the context's stop past its bound, whatever it waits on (ADR 0052, amended in
 * session 55): only its wait for a periodic round was bounded; a database gone quiet at the stop held Micronaut's stop
 * for the network timeout (90 s), past the orchestrator's grace, and an Error skipped every bean's destroy.
 */
class ChainCheckpointOnTheWayOutBoundTest {

    @TempDir
    Path directory;

    /** Released at the test's end, so the round's thread does not outlive it. */
    private final CountDownLatch databaseAnswers = new CountDownLatch(1);

    @AfterEach
    void letTheRoundEnd() {
        databaseAnswers.countDown();
    }

    /** Bounded by JUnit only so that a stop that waits for the round fails the test instead of hanging it. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRoundWhoseDatabaseNeverAnswersEndsTheStopWithinItsBoundWithAWarn() throws Exception {
        ChainCheckpointJob job = jobOver(positions(() -> {
            databaseAnswers.await(); // the database accepted the connection and never answers
            return null;
        }));

        List<String> warnings = LoggedWarnings.of(ChainCheckpointJob.class, () -> job.onApplicationEvent(stop()));

        assertThat(warnings).singleElement().asString()
                .contains("did not end within " + ChainCheckpointJob.WAY_OUT_BOUND.toSeconds() + " s")
                .contains("nothing is signed on the way out");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anErrorInTheRoundIsLoggedNotThrownIntoTheStop() throws Exception {
        ChainCheckpointJob job = jobOver(positions(() -> {
            throw new NoClassDefFoundError("org/postgresql/SomethingNotShipped");
        }));

        List<String> warnings = LoggedWarnings.of(ChainCheckpointJob.class, () -> job.onApplicationEvent(stop()));

        assertThat(warnings).singleElement().asString().contains("the checkpoint at shutdown failed")
                .contains("SomethingNotShipped");
    }

    private interface Head {
        Object read() throws Exception;
    }

    private static ChainPositions positions(Head head) {
        return (ChainPositions) Proxy.newProxyInstance(ChainPositions.class.getClassLoader(),
                new Class<?>[] {ChainPositions.class}, (proxy, method, args) -> {
                    if (method.getName().equals("head")) {
                        return head.read();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private ChainCheckpointJob jobOver(ChainPositions positions) throws NoSuchAlgorithmException {
        CheckpointSigner signer = new CheckpointSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        FileChainCheckpoints store = new FileChainCheckpoints(directory);
        AuditHistory noWalk = (AuditHistory) Proxy.newProxyInstance(AuditHistory.class.getClassLoader(),
                new Class<?>[] {AuditHistory.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        RecordChainCheckpointService service = new RecordChainCheckpointService(noWalk, positions, store, signer,
                CheckpointKeys.of(List.of(signer.publicKey())), Clock.systemUTC());
        return new ChainCheckpointJob(service, store, signer, Duration.ofMinutes(1));
    }

    private static ShutdownEvent stop() {
        return new ShutdownEvent(new DefaultBeanContext());
    }
}
