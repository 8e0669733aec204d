package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.KeptAuditEvents;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** What every {@link KeptAuditEvents} must do; {@link #emptyStore()} gives a fresh, empty store. */
public abstract class KeptAuditEventsContract {

    protected static final Instant T0 = Instant.parse("2026-03-01T08:00:00.123456789Z");

    protected abstract KeptAuditEvents emptyStore();

    /** An event with every field set, {@code n} telling it apart. */
    protected static AuditEvent event(int n) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.ATTEMPT_ID, "attempt-" + n);
        detail.put(AuditEvent.MESSAGE, "VPS.org said \"no\"\nand then ünïcödé " + n);
        return new AuditEvent(T0.plusMillis(n), new TeamId("blue"), new RequestId("req-" + n),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345 + n)),
                Optional.of(ResourceRef.of(new SnapshotId(800 + n))),
                new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "VPS.org answered 503"), OptionalInt.of(503), detail);
    }

    /** An event with nothing optional set. */
    protected static AuditEvent bare(int n) {
        return new AuditEvent(T0.plusMillis(n), new TeamId("green"), new RequestId("req-bare-" + n),
                Operation.AUDIT_READ, Optional.empty(), Optional.empty(), new Outcome.Completed(),
                OptionalInt.empty(), Map.of());
    }

    @Test
    void anEmptyStoreKeepsNothing() {
        KeptAuditEvents store = emptyStore();

        assertThat(store.count()).isZero();
        assertThat(store.oldest(10)).isEmpty();
    }

    @Test
    void eventsComeBackWholeInTheOrderKept() {
        KeptAuditEvents store = emptyStore();
        List<AuditEvent> kept = List.of(event(1), bare(2), event(3));
        kept.forEach(store::keep);

        assertThat(store.count()).isEqualTo(3);
        assertThat(store.oldest(10)).containsExactlyElementsOf(kept);
        assertThat(store.oldest(2)).containsExactly(event(1), bare(2));
    }

    @Test
    void writtenEventsAreLetGoAndTheRestStay() {
        KeptAuditEvents store = emptyStore();
        for (int n = 1; n <= 5; n++) {
            store.keep(event(n));
        }

        assertThat(store.oldest(2)).containsExactly(event(1), event(2));
        store.written(2);

        assertThat(store.count()).isEqualTo(3);
        assertThat(store.oldest(10)).containsExactly(event(3), event(4), event(5));
        store.written(3);
        assertThat(store.count()).isZero();
        assertThat(store.oldest(10)).isEmpty();
    }

    @Test
    void eventsKeptWhileOthersAreReadComeAfterThem() {
        KeptAuditEvents store = emptyStore();
        store.keep(event(1));
        store.keep(event(2));

        assertThat(store.oldest(10)).containsExactly(event(1), event(2));
        store.keep(event(3));
        store.written(2);

        assertThat(store.oldest(10)).containsExactly(event(3));
        store.written(1);
        store.keep(event(4));
        assertThat(store.oldest(10)).containsExactly(event(4));
        assertThat(store.count()).isOne();
    }

    /** An event of {@link #event} that happened at {@code at}. */
    protected static AuditEvent eventAt(int n, Instant at) {
        AuditEvent e = event(n);
        return new AuditEvent(at, e.team(), e.requestId(), e.operation(), e.server(), e.resource(), e.outcome(),
                e.providerStatus(), e.detail());
    }

    @Test
    void theOldestTimeIsThatOfTheFirstEventStillWaiting() {
        KeptAuditEvents store = emptyStore();
        Instant t1 = T0.plusSeconds(3600);
        assertThat(store.oldestOccurredAt()).isEmpty();

        store.keep(eventAt(1, T0));
        store.keep(eventAt(2, t1));
        assertThat(store.oldestOccurredAt()).contains(T0);

        assertThat(store.oldest(1)).hasSize(1);
        store.written(1);
        assertThat(store.oldestOccurredAt()).contains(t1);

        assertThat(store.oldest(10)).hasSize(1);
        store.written(1);
        assertThat(store.oldestOccurredAt()).isEmpty();

        store.keep(eventAt(3, t1.plusSeconds(60)));
        assertThat(store.oldestOccurredAt()).contains(t1.plusSeconds(60));
    }

    @Test
    void aBatchLetGoInPartLeavesTheTimeOfTheFirstNotWritten() {
        KeptAuditEvents store = emptyStore();
        for (int n = 1; n <= 5; n++) {
            store.keep(eventAt(n, T0.plusSeconds(n)));
        }

        assertThat(store.oldest(4)).hasSize(4);
        store.written(2);
        assertThat(store.oldestOccurredAt()).contains(T0.plusSeconds(3));
        assertThat(store.oldest(10)).hasSize(3);
        store.written(3);
        assertThat(store.oldestOccurredAt()).isEmpty();
    }

    @Test
    void onlyWhatWasLastReadCanBeLetGo() {
        KeptAuditEvents store = emptyStore();
        store.keep(event(1));
        store.keep(event(2));
        store.oldest(1);

        assertThatThrownBy(() -> store.written(2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.count()).isEqualTo(2);
    }

    @Test
    void manyThreadsKeepingLoseNothing() throws Exception {
        KeptAuditEvents store = emptyStore();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        store.keep(event(thread * 100 + i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }

        assertThat(store.count()).isEqualTo(200);
        List<AuditEvent> all = store.oldest(500);
        assertThat(all).hasSize(200).doesNotHaveDuplicates();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            // Each thread's events in the order it kept them.
            assertThat(all.stream().filter(e -> (e.server().orElseThrow().value() - 12345) / 100 == thread).toList())
                    .extracting(e -> e.server().orElseThrow().value())
                    .isSorted();
        }
    }
}
