package org.vpsrecovery.application.audit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.report.AuditReadsBusy;

/**
 * How many long audit reads (an export, a summary, a walk of the chain, a recoverability report) one
 * instance runs at once. Each holds a pooled database connection for up to seconds (an export, for as
 * long as its reader reads), and the pool is the request path's too: a few auditors must not starve
 * the teams' creates. A read waits at most {@code maxWait} for a slot, in arrival order, else it is
 * refused with {@link AuditReadsBusy} and reads nothing. Pages of events have slots of their own
 * ({@link #forPages}, session 56).
 *
 * <p>One reader (a team, or an auditor by name) holds at most {@code perReader} of the slots, so one auditor's
 * exports cannot keep every other reader out; a read past its reader's share is refused at once (waiting would
 * only wait for that reader's own reads).
 */
public final class AuditReadSlots {

    public static final int MOST_CONCURRENT = 64;
    public static final Duration MOST_WAIT = Duration.ofSeconds(30);

    private final Semaphore slots;
    private final ConcurrentMap<AuditReader, Integer> heldByReader = new ConcurrentHashMap<>();
    private final int concurrent;
    private final int perReader;
    private final Duration maxWait;
    private final Duration retryAfter;
    private final boolean pages;

    /** With no share per reader below the instance's: one reader may take every slot. */
    public AuditReadSlots(int concurrent, Duration maxWait, Duration retryAfter) {
        this(concurrent, concurrent, maxWait, retryAfter);
    }

    public AuditReadSlots(int concurrent, int perReader, Duration maxWait, Duration retryAfter) {
        this(concurrent, perReader, maxWait, retryAfter, false);
    }

    /**
     * Slots for pages of events (session 56): taken at once or refused, never waited for, since a page that queued held
     * its request thread and then a pooled connection while teams waited behind it (ADR 0062).
     */
    public static AuditReadSlots forPages(int concurrent, int perReader, Duration retryAfter) {
        return new AuditReadSlots(concurrent, perReader, Duration.ZERO, retryAfter, true);
    }

    private AuditReadSlots(int concurrent, int perReader, Duration maxWait, Duration retryAfter, boolean pages) {
        if (concurrent < 1 || concurrent > MOST_CONCURRENT) {
            throw new IllegalArgumentException("concurrent long audit reads must be 1-" + MOST_CONCURRENT + ", was " + concurrent);
        }
        if (perReader < 1 || perReader > concurrent) {
            throw new IllegalArgumentException("long audit reads per reader must be 1-" + concurrent
                    + " (the concurrent ones), was " + perReader);
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
        this.perReader = perReader;
        this.maxWait = maxWait;
        this.retryAfter = retryAfter;
        this.pages = pages;
    }

    /** Runs the reader's read in a slot, given back when it returns or fails. */
    public <T> T read(AuditReader reader, Supplier<T> read) {
        take(reader);
        try {
            return read.get();
        } finally {
            giveBack(reader);
        }
    }

    /**
     * Runs the reader's read in a slot that stays taken until its result is closed (or the read fails): a
     * summary written to the client as a stream keeps its slot while it is written, so the slots bound how
     * many answers an instance holds in memory, however slowly their clients read.
     */
    public <T> Held<T> hold(AuditReader reader, Supplier<T> read) {
        take(reader);
        T value;
        try {
            value = read.get();
        } catch (RuntimeException | Error notRead) {
            giveBack(reader);
            throw notRead;
        }
        return new Held<>(value, () -> giveBack(reader));
    }

    /** Opens the reader's stream in a slot that stays taken until the stream is closed (or fails to open). */
    public AuditEventStream stream(AuditReader reader, Supplier<AuditEventStream> open) {
        take(reader);
        AuditEventStream stream;
        try {
            stream = open.get();
        } catch (RuntimeException | Error notOpened) {
            giveBack(reader);
            throw notOpened;
        }
        return new SlotHoldingStream(reader, stream);
    }

    /** Slots free now (for metrics and tests). */
    public int available() {
        return slots.availablePermits();
    }

    private void take(AuditReader reader) {
        Objects.requireNonNull(reader, "reader");
        AtomicBoolean withinShare = new AtomicBoolean();
        heldByReader.compute(reader, (who, held) -> {
            int now = held == null ? 0 : held;
            withinShare.set(now < perReader);
            return withinShare.get() ? now + 1 : held;
        });
        if (!withinShare.get()) {
            throw pages ? AuditReadsBusy.readersPages(perReader, retryAfter) : AuditReadsBusy.readersShare(perReader, retryAfter);
        }
        boolean taken = false;
        try {
            // Zero for pages: a free slot or none, at once (a fair semaphore's timed try still takes a free one).
            taken = slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            if (!taken) {
                leaveShare(reader);
            }
        }
        if (!taken) {
            throw pages ? AuditReadsBusy.pagesInAll(concurrent, retryAfter) : new AuditReadsBusy(concurrent, retryAfter);
        }
    }

    private void giveBack(AuditReader reader) {
        slots.release();
        leaveShare(reader);
    }

    private void leaveShare(AuditReader reader) {
        heldByReader.computeIfPresent(reader, (who, held) -> held <= 1 ? null : held - 1);
    }

    /** A read's result and the slot it holds until closed; a second close gives nothing back twice. */
    public static final class Held<T> implements AutoCloseable {

        private final T value;
        private final Runnable giveBack;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Held(T value, Runnable giveBack) {
            this.value = value;
            this.giveBack = giveBack;
        }

        public T value() {
            return value;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                giveBack.run();
            }
        }
    }

    private final class SlotHoldingStream implements AuditEventStream {

        private final AuditReader reader;
        private final AuditEventStream stream;
        private final AtomicBoolean closed = new AtomicBoolean();

        private SlotHoldingStream(AuditReader reader, AuditEventStream stream) {
            this.reader = reader;
            this.stream = stream;
        }

        @Override
        public boolean hasNext() {
            return stream.hasNext();
        }

        @Override
        public AuditHistoryEntry next() {
            return stream.next();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    stream.close();
                } finally {
                    giveBack(reader);
                }
            }
        }
    }
}
