package org.vpsrecovery.application.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.report.AuditReadsBusy;

class AuditReadSlotsTest {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final AuditReader AUDITOR = new AuditReader.Auditor("compliance");
    /** Another reader: one reader's own second read is refused at once by its share, never waits (ADR 0062). */
    private static final AuditReader OTHER_AUDITOR = new AuditReader.Auditor("internal-audit");

    /** A stream of no events that counts its closes. */
    private static final class EmptyStream implements AuditEventStream {
        final AtomicInteger closes = new AtomicInteger();
        private final Iterator<RecordedAuditEvent> events = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
            return events.hasNext();
        }

        @Override
        public RecordedAuditEvent next() {
            return events.next();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void aReadPastTheSlotsIsRefusedAfterItsWaitWithoutRunning() {
        AuditReadSlots slots = new AuditReadSlots(1, Duration.ofMillis(50), RETRY_AFTER);
        AuditEventStream held = slots.stream(AUDITOR, EmptyStream::new);
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> slots.read(AUDITOR, ran::incrementAndGet)).isInstanceOfSatisfying(AuditReadsBusy.class, busy -> {
            assertThat(busy.reason()).isEqualTo(ReasonCode.AUDIT_READS_BUSY);
            assertThat(busy.retryAfter()).isEqualTo(RETRY_AFTER);
            assertThat(busy.getMessage()).contains("1 long audit reads");
        });
        assertThat(ran).hasValue(0);

        held.close();
        assertThat(slots.read(AUDITOR, ran::incrementAndGet)).isEqualTo(1);
        assertThat(slots.available()).isEqualTo(1);
    }

    @Test
    void aWaitingReadRunsWhenASlotIsGivenBackWithinItsWait() throws Exception {
        AuditReadSlots slots = new AuditReadSlots(1, Duration.ofSeconds(10), RETRY_AFTER);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Threads of their own: the common pool may have one thread, and would run the second only after the first.
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> slots.read(AUDITOR, () -> {
            inside.countDown();
            await(release);
            return "first";
        }), readers);
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.atomic.AtomicReference<Thread> secondThread = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
            secondThread.set(Thread.currentThread());
            return slots.read(OTHER_AUDITOR, () -> "second");
        }, readers);
        // Seen waiting for the slot (not merely not started yet) before the first gives it back.
        java.util.Set<Thread.State> parked = java.util.Set.of(Thread.State.WAITING, Thread.State.TIMED_WAITING);
        for (int i = 0; i < 500 && (secondThread.get() == null || !parked.contains(secondThread.get().getState())); i++) {
            Thread.sleep(10);
        }
        assertThat(secondThread.get().getState()).isIn(parked);
        assertThat(second).isNotDone();

        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(slots.available()).isEqualTo(1);
        readers.shutdown();
    }

    @Test
    void aFailedReadGivesItsSlotBack() {
        AuditReadSlots slots = new AuditReadSlots(1, Duration.ZERO, RETRY_AFTER);

        assertThatThrownBy(() -> slots.read(AUDITOR, () -> {
            throw new IllegalStateException("the database went away");
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> slots.stream(AUDITOR, () -> {
            throw new IllegalStateException("no connection");
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> slots.hold(AUDITOR, () -> {
            throw new IllegalStateException("the fold failed");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(slots.available()).isEqualTo(1);
    }

    @Test
    void aStreamHoldsItsSlotUntilClosedAndClosingTwiceGivesItBackOnce() {
        AuditReadSlots slots = new AuditReadSlots(2, Duration.ZERO, RETRY_AFTER);
        EmptyStream underlying = new EmptyStream();
        AuditEventStream stream = slots.stream(AUDITOR, () -> underlying);
        assertThat(slots.available()).isEqualTo(1);

        stream.close();
        stream.close();

        assertThat(underlying.closes).hasValue(1);
        assertThat(slots.available()).isEqualTo(2);
    }

    @Test
    void oneReaderHoldsAtMostItsShareAndIsRefusedAtOnceWhileOthersStillRead() {
        AuditReadSlots slots = new AuditReadSlots(4, 2, Duration.ofSeconds(10), RETRY_AFTER);
        AuditEventStream first = slots.stream(AUDITOR, EmptyStream::new);
        slots.stream(AUDITOR, EmptyStream::new);
        AtomicInteger ran = new AtomicInteger();

        // Two slots are still free: only the reader's share refuses it.
        assertThatThrownBy(() -> slots.read(AUDITOR, ran::incrementAndGet)).isInstanceOfSatisfying(AuditReadsBusy.class, busy -> {
            assertThat(busy.reason()).isEqualTo(ReasonCode.AUDIT_READS_BUSY);
            assertThat(busy.getMessage()).contains("as many as one reader may");
        });
        assertThat(ran).hasValue(0);
        assertThat(slots.read(new AuditReader.Auditor("legal"), ran::incrementAndGet)).isEqualTo(1);
        assertThat(slots.read(new AuditReader.Team(new TeamId("blue")), ran::incrementAndGet)).isEqualTo(2);

        first.close();
        assertThat(slots.read(AUDITOR, ran::incrementAndGet)).isEqualTo(3);
        assertThat(slots.available()).isEqualTo(3);
    }

    @Test
    void aReadRefusedForWantOfASlotLeavesItsReadersShareAsItWas() {
        AuditReadSlots slots = new AuditReadSlots(1, 1, Duration.ZERO, RETRY_AFTER);
        AuditEventStream other = slots.stream(new AuditReader.Auditor("legal"), EmptyStream::new);

        assertThatThrownBy(() -> slots.read(AUDITOR, () -> "never")).isInstanceOf(AuditReadsBusy.class)
                .hasMessageContaining("as many as it allows");
        other.close();

        assertThat(slots.read(AUDITOR, () -> "read")).isEqualTo("read");
    }

    @Test
    void aHeldResultKeepsItsSlotUntilClosedAndClosingTwiceGivesItBackOnce() {
        AuditReadSlots slots = new AuditReadSlots(1, Duration.ZERO, RETRY_AFTER);
        AuditReadSlots.Held<String> held = slots.hold(AUDITOR, () -> "a summary");
        assertThat(held.value()).isEqualTo("a summary");
        assertThat(slots.available()).isZero();
        assertThatThrownBy(() -> slots.read(AUDITOR, () -> "another")).isInstanceOf(AuditReadsBusy.class);

        held.close();
        held.close();

        assertThat(slots.available()).isEqualTo(1);
    }

    @Test
    void settingsOutsideTheirBoundsAreRefused() {
        assertThatThrownBy(() -> new AuditReadSlots(0, Duration.ofSeconds(1), RETRY_AFTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-64");
        assertThatThrownBy(() -> new AuditReadSlots(65, Duration.ofSeconds(1), RETRY_AFTER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditReadSlots(4, Duration.ofSeconds(31), RETRY_AFTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-30 s");
        assertThatThrownBy(() -> new AuditReadSlots(4, Duration.ofSeconds(-1), RETRY_AFTER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditReadSlots(4, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditReadSlots(4, 0, Duration.ofSeconds(1), RETRY_AFTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per reader must be 1-4");
        assertThatThrownBy(() -> new AuditReadSlots(4, 5, Duration.ofSeconds(1), RETRY_AFTER))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
