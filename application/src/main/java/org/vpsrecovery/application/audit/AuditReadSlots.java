package org.vpsrecovery.application.audit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.report.AuditReadsBusy;

/**
 * How many long audit reads (an export, a summary, a walk of the chain, a recoverability report) one
 * instance runs at once. Each holds a pooled database connection for up to seconds (an export, for as
 * long as its reader reads), and the pool is the request path's too: a few auditors must not starve
 * the teams' creates. A read waits at most {@code maxWait} for a slot, in arrival order, else it is
 * refused with {@link AuditReadsBusy} and reads nothing. Pages of events are short and not counted.
 */
public final class AuditReadSlots {

    public static final int MOST_CONCURRENT = 64;
    public static final Duration MOST_WAIT = Duration.ofSeconds(30);

    private final Semaphore slots;
    private final int concurrent;
    private final Duration maxWait;
    private final Duration retryAfter;

    public AuditReadSlots(int concurrent, Duration maxWait, Duration retryAfter) {
        if (concurrent < 1 || concurrent > MOST_CONCURRENT) {
            throw new IllegalArgumentException("concurrent long audit reads must be 1-" + MOST_CONCURRENT + ", was " + concurrent);
        }
        Objects.requireNonNull(maxWait, "max wait");
        if (maxWait.isNegative() || maxWait.compareTo(MOST_WAIT) > 0) {
            throw new IllegalArgumentException("a long audit read waits 0-" + MOST_WAIT.toSeconds() + " s for a slot, was " + maxWait);
        }
        Objects.requireNonNull(retryAfter, "retry after");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retry after must be positive");
        }
        this.slots = new Semaphore(concurrent, true);
        this.concurrent = concurrent;
        this.maxWait = maxWait;
        this.retryAfter = retryAfter;
    }

    /** Runs the read in a slot, given back when it returns or fails. */
    public <T> T read(Supplier<T> read) {
        take();
        try {
            return read.get();
        } finally {
            slots.release();
        }
    }

    /**
     * Runs the read in a slot that stays taken until its result is closed (or the read fails): a summary
     * written to the client as a stream keeps its slot while it is written, so the slots bound how many
     * answers an instance holds in memory, however slowly their clients read.
     */
    public <T> Held<T> hold(Supplier<T> read) {
        take();
        T value;
        try {
            value = read.get();
        } catch (RuntimeException | Error notRead) {
            slots.release();
            throw notRead;
        }
        return new Held<>(value, slots);
    }

    /** Opens the stream in a slot that stays taken until the stream is closed (or fails to open). */
    public AuditEventStream stream(Supplier<AuditEventStream> open) {
        take();
        AuditEventStream stream;
        try {
            stream = open.get();
        } catch (RuntimeException | Error notOpened) {
            slots.release();
            throw notOpened;
        }
        return new SlotHoldingStream(stream);
    }

    /** Slots free now (for metrics and tests). */
    public int available() {
        return slots.availablePermits();
    }

    private void take() {
        try {
            if (!slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AuditReadsBusy(concurrent, retryAfter);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AuditReadsBusy(concurrent, retryAfter);
        }
    }

    /** A read's result and the slot it holds until closed; a second close gives nothing back twice. */
    public static final class Held<T> implements AutoCloseable {

        private final T value;
        private final Semaphore slots;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Held(T value, Semaphore slots) {
            this.value = value;
            this.slots = slots;
        }

        public T value() {
            return value;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                slots.release();
            }
        }
    }

    private final class SlotHoldingStream implements AuditEventStream {

        private final AuditEventStream stream;
        private final AtomicBoolean closed = new AtomicBoolean();

        private SlotHoldingStream(AuditEventStream stream) {
            this.stream = stream;
        }

        @Override
        public boolean hasNext() {
            return stream.hasNext();
        }

        @Override
        public RecordedAuditEvent next() {
            return stream.next();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    stream.close();
                } finally {
                    slots.release();
                }
            }
        }
    }
}
