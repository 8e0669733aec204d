package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.core.order.Ordered;
import io.micronaut.scheduling.annotation.Scheduled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.checkpoint.FileChainCheckpoints;
import org.vpsrecovery.application.audit.RecordChainCheckpointService;
import org.vpsrecovery.domain.audit.CheckpointSigner;

/**
 * Signs the audit chain head into the checkpoint file whenever it moved, and once more on the way out
 * (ADR 0022). Every instance runs it, and that is right: each instance is a witness of its own, so a
 * database owner who cuts back or rewrites the chain would have to reach every instance's checkpoints
 * too. Instances sharing one checkpoint directory take turns on its file. Created at start-up, so a
 * key or directory that does not work stops the service instead of leaving it without a witness.
 */
@Context
public class ChainCheckpointJob implements ApplicationEventListener<ShutdownEvent>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(ChainCheckpointJob.class);
    /** How long the round on the way out waits for a periodic round under way (docs/deploy.md counts it in a stop). */
    static final Duration WAY_OUT_WAIT = Duration.ofSeconds(2);
    /**
     * How long the stop waits for the round on the way out in all: its wait for a periodic round, then a few seconds
     * for its own reads and the file (docs/deploy.md counts it in a stop). Past it the stop goes on, nothing signed.
     */
    static final Duration WAY_OUT_BOUND = WAY_OUT_WAIT.plusSeconds(5);

    private final RecordChainCheckpointService checkpoints;
    /** Named in the ERROR a round logs: what an operator sets aside after the database went back (docs/deploy.md). */
    private final Path checkpointFile;

    public ChainCheckpointJob(RecordChainCheckpointService checkpoints, FileChainCheckpoints store,
                              CheckpointSigner signer, @Value("${vpsr.audit.checkpoint-every:1m}") Duration every) {
        // Micronaut's scheduler refuses a period that is not positive with no key named.
        StartupRefused.unlessPositive("vpsr.audit.checkpoint-every", every);
        this.checkpoints = checkpoints;
        this.checkpointFile = store.file();
        LOG.info("audit chain checkpoints: every {} into {}, signed with key {}", every, store.file(), signer.keyId());
    }

    @Scheduled(fixedDelay = "${vpsr.audit.checkpoint-every:1m}", initialDelay = "${vpsr.audit.checkpoint-every:1m}")
    void checkpointPeriodically() {
        try {
            takeCheckpoint();
        } catch (RuntimeException e) {
            LOG.warn("taking an audit chain checkpoint failed; the next round tries again: {}", e.getMessage());
        }
    }

    /** One round now: the events since the last walked checkpoint walked, and signed if they hold. */
    public RecordChainCheckpointService.Round takeCheckpoint() {
        return reported(checkpoints.recordIfMoved(RecordChainCheckpointService.Walk.AS_FAR_AS_NEEDED));
    }

    private RecordChainCheckpointService.Round reported(RecordChainCheckpointService.Round round) {
        round.broken().ifPresent(broken -> LOG.error("the audit chain does not hold at event {} ({}): {}; no "
                + "checkpoint is signed over it; GET /api/v1/audit/verify/ says more. If the platform's database went "
                + "back (a failover that lost transactions, a restore to a point in time), none is signed again until "
                + "{} is set aside for the auditors and every instance restarted: docs/deploy.md, \"Checkpoints after "
                + "the history went back\"", broken.sequence(), broken.fault(), broken.explanation(), checkpointFile));
        if (round.headMovedBack()) {
            LOG.warn("the audit chain head is at event {}, below the checkpoint of event {} taken at {}: the chain "
                    + "was cut back (or the database went back: docs/deploy.md, \"Checkpoints after the history went "
                    + "back\", {}); GET /api/v1/audit/verify/ says where", round.head().sequence(),
                    round.previous().orElseThrow().sequence(), round.previous().orElseThrow().takenAt(), checkpointFile);
        }
        round.recorded().ifPresent(c -> LOG.debug("audit chain checkpoint: event {} hash {}", c.sequence(), c.hash()));
        return round;
    }

    /**
     * The head as the service leaves it, so that the last events before a stop are witnessed too; never
     * a walk from the first event, nor a wait for a periodic round doing one: either could hold the stop for
     * minutes (ADR 0052, amended in session 45). The next round, here or at another instance, signs what this
     * one could not.
     * <p>
     * Taken once per stop, when the context's stop publishes {@link ShutdownEvent} (DefaultBeanContext.stop): after
     * Micronaut's graceful shutdown, whose listener comes first (the HTTP server's connections, the scheduled executor
     * of the periodic rounds), and before any bean is destroyed, so the pool is open whatever order the destroys
     * take. A context refused before it runs publishes none: its close takes no round (one whose server then fails to
     * bind, the port in use, is running and takes one, harmlessly) (ADR 0052, amended in session 55).
     */
    @Override
    public void onApplicationEvent(ShutdownEvent stopping) {
        // Its own daemon thread, waited for at most WAY_OUT_BOUND: the head read, the walk and the file's lock and
        // fsync are bounded by nothing shorter than the network timeout (90 s), or by nothing, and a database gone
        // quiet at the stop would hold the stop past the orchestrator's grace (ADR 0052, amended in session 55).
        CompletableFuture<Optional<RecordChainCheckpointService.Round>> round = new CompletableFuture<>();
        Thread.ofPlatform().name("checkpoint-on-the-way-out").daemon().start(() -> {
            try {
                round.complete(checkpoints.recordOnTheWayOut(WAY_OUT_WAIT));
            } catch (Throwable e) { // an Error too: handed to the stop's thread, which logs it
                round.completeExceptionally(e);
            }
        });
        try {
            round.get(WAY_OUT_BOUND.toNanos(), TimeUnit.NANOSECONDS).ifPresentOrElse(this::reported, () -> LOG.warn(
                    "a periodic audit chain checkpoint round is still under way after {}: nothing is signed on the "
                    + "way out; the next round after a start signs the head", WAY_OUT_WAIT));
        } catch (TimeoutException e) {
            LOG.warn("the audit chain checkpoint round on the way out did not end within {} s (the database or the "
                    + "checkpoint file not answering): nothing is signed on the way out; the next round after a start "
                    + "signs the head", WAY_OUT_BOUND.toSeconds());
        } catch (ExecutionException e) {
            // Thrown on, it would end the context's stop before any bean is destroyed (the pool left open).
            LOG.warn("the checkpoint at shutdown failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("the checkpoint at shutdown was interrupted: nothing is signed on the way out");
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("the checkpoint at shutdown failed: {}", e.toString());
        }
    }

    /** After every other listener of the stop: Micronaut's graceful shutdown first. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
