package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micronaut.core.propagation.PropagatedContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.RecordedRequest;

/**
 * The list without a waiting thread (ADR 0090), over real HTTP: sent at once it uses no thread of the blocking
 * executor; what the blocking list would retry is retried there, with the same waits; other failures reach the
 * caller typed, as the blocking list throws them.
 */
class ListSnapshotsWhenAnsweredContractTest {

    private static final String SNAPSHOTS = "/api/v1/snapshots/";

    private final SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start();
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final AtomicInteger blockingTasks = new AtomicInteger();
    /** The blocking executor, counted: a task there is a thread that may wait. */
    private final Executor blocking = task -> {
        blockingTasks.incrementAndGet();
        workers.execute(task);
    };

    @AfterEach
    void stop() {
        workers.shutdownNow();
        vpsOrg.close();
    }

    private List<Snapshot> listed(Optional<ServerId> server) throws Exception {
        return vpsOrg.client.listSnapshotsWhenAnswered(server, blocking).get(30, TimeUnit.SECONDS);
    }

    private ProviderFailure failure() {
        ExecutionException failed = catchThrowableOfType(ExecutionException.class,
                () -> vpsOrg.client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS));
        assertThat(failed.getCause()).isInstanceOf(ProviderFailure.class);
        return (ProviderFailure) failed.getCause();
    }

    @Test
    void aListSentAtOnceWaitsOnNoThreadAndAnswersAsTheBlockingList() throws Exception {
        AtomicReference<Thread> answeredOn = new AtomicReference<>();
        // The first answer comes late enough that the callback below is attached before it: one that came first would
        // run the callback on this thread (seen once in a loaded full build), which says nothing of the client's.
        vpsOrg.simulator.faults().add(Fault.latency(Duration.ofMillis(500)).on("GET", SNAPSHOTS).times(1));
        List<Snapshot> all = vpsOrg.client.listSnapshotsWhenAnswered(Optional.empty(), blocking)
                .whenComplete((listed, failure) -> answeredOn.set(Thread.currentThread())).get(30, TimeUnit.SECONDS);

        assertThat(all).isEqualTo(vpsOrg.client.listSnapshots(Optional.empty())).hasSize(2);
        assertThat(listed(Optional.of(new ServerId(12345)))).isEqualTo(vpsOrg.client.listSnapshots(Optional.of(new ServerId(12345))));
        assertThat(blockingTasks).as("tasks given to the blocking executor").hasValue(0);
        // Read where the answer arrived: the client's event loop, not the caller and not a worker.
        assertThat(answeredOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(answeredOn.get().isVirtual()).isFalse();
    }

    /**
     * A request whose deadline leaves no time for an attempt sends nothing this way either (ADR 0010, amended in session
     * 45): the list fails unavailable, nothing sent, as the blocking list does.
     */
    @Test
    void aRequestOutOfTimeSendsNothing() {
        ProviderFailure failure;
        try (PropagatedContext.Scope ignored = PropagatedContext.getOrEmpty()
                .plus(new ProviderDeadline(System.nanoTime())).propagate()) {
            failure = failure();
        }

        assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("nothing was sent");
        assertThat(vpsOrg.received("GET", SNAPSHOTS)).isEmpty();
    }

    @Test
    void aFailureTheBlockingListWouldRetryIsRetriedTheBlockingWay() throws Exception {
        vpsOrg.simulator.faults().add(Fault.serverError(503).on("GET", SNAPSHOTS).times(2));

        assertThat(listed(Optional.empty())).hasSize(2);
        assertThat(vpsOrg.received("GET", SNAPSHOTS)).hasSize(3);
        assertThat(blockingTasks).hasValue(1);
    }

    @Test
    void aRetryAfterIsWaitedBeforeTheRetry() throws Exception {
        vpsOrg.simulator.faults().add(Fault.rateLimited(Duration.ofSeconds(1)).on("GET", SNAPSHOTS).times(1));

        assertThat(listed(Optional.empty())).hasSize(2);
        List<RecordedRequest> requests = vpsOrg.received("GET", SNAPSHOTS);
        assertThat(requests).hasSize(2);
        // A lower bound the adapter guarantees by its delayed executor, not a timing race.
        assertThat(Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aFailureNotWorthRetryingReachesTheCallerTypedWithoutAWorker() {
        vpsOrg.simulator.faults().add(Fault.rateLimited(Duration.ofSeconds(120)).on("GET", SNAPSHOTS));

        ProviderFailure failure = failure();

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(429));
        assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(120));
        assertThat(vpsOrg.received("GET", SNAPSHOTS)).hasSize(1);
        assertThat(blockingTasks).hasValue(0);
    }

    @Test
    void anUnreadableAnswerIsTheBlockingListsFailure() {
        vpsOrg.simulator.faults().add(Fault.malformedJson().on("GET", SNAPSHOTS));

        ProviderFailure failure = failure();
        ProviderFailure blockingFailure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.listSnapshots(Optional.empty()));

        assertThat(failure.kind()).isEqualTo(blockingFailure.kind());
        assertThat(failure.providerStatus()).isEqualTo(blockingFailure.providerStatus());
    }
}
