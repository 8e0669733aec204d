package org.vpsrecovery.application.provider;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * At most {@code readsAtOnce} reads of a key under way; the callers that arrive while all of them are under way
 * share the next one, which starts when the first of them ends. A caller never gets an answer read before it
 * arrived: it starts a read of its own, or joins one that has not started yet, so what it gets is as fresh as a
 * read of its own would have been. With {@code n} callers asking for the same key at once, the provider sees about
 * {@code readsAtOnce} reads per read's duration instead of {@code n} (ADR 0075; more than one at once: ADR 0110).
 *
 * <p>{@link #read} waits on the calling thread; {@link #readWhenAnswered} never waits: it hands back a future
 * and starts its read when a read under way ends, on the thread that ends it. Both share the same reads.
 */
final class ReadsInTurn<K, V> {

    /** A key's reads: how many are under way, and the next one (not started; null if none). */
    private static final class Lane<V> {
        int underWay;
        Queued<V> next;
    }

    /** A read not started yet: its answer (shared by its joiners), and its start, given when a read under way ends. */
    private record Queued<V>(CompletableFuture<V> answer, CompletableFuture<Void> go) {
    }

    private final int readsAtOnce;
    private final Map<K, Lane<V>> lanes = new HashMap<>();
    private final LongAdder joinedCount = new LongAdder();

    ReadsInTurn(int readsAtOnce) {
        if (readsAtOnce < 1) {
            throw new IllegalArgumentException("at least one read at once, not " + readsAtOnce);
        }
        this.readsAtOnce = readsAtOnce;
    }

    /** How many callers were answered by a read another caller made. */
    long joined() {
        return joinedCount.sum();
    }

    /**
     * A caller's place: the read it joins (one not started yet), or its own read ({@code mine}), started now
     * ({@code go} null) or when {@code go} completes (a read under way ended and handed over its place).
     */
    private record Turn<V>(CompletableFuture<V> joined, CompletableFuture<V> mine, CompletableFuture<Void> go) {
    }

    private synchronized Turn<V> turn(K key) {
        Lane<V> lane = lanes.computeIfAbsent(key, k -> new Lane<>());
        if (lane.next != null) {
            joinedCount.increment();
            return new Turn<>(lane.next.answer(), null, null);
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        if (lane.underWay < readsAtOnce) {
            lane.underWay++;
            return new Turn<>(null, mine, null);
        }
        // Every read under way started before this caller arrived: its read waits for the first of them to end.
        lane.next = new Queued<>(mine, new CompletableFuture<>());
        return new Turn<>(null, mine, lane.next.go());
    }

    /** A read of {@code key} ended: its place goes to the next read (returned, to be started), or is given back. */
    private synchronized Queued<V> ended(K key) {
        Lane<V> lane = lanes.get(key);
        Queued<V> next = lane.next;
        if (next != null) {
            lane.next = null;
            return next;
        }
        if (--lane.underWay == 0) {
            lanes.remove(key);
        }
        return null;
    }

    /** Ends a read: first starts the next one (so it is not held up by the answers), then answers this one's callers. */
    private void end(K key, CompletableFuture<V> mine, V value, Throwable failure) {
        Queued<V> next = ended(key);
        if (next != null) {
            next.go().complete(null);
        }
        if (failure == null) {
            mine.complete(value);
        } else {
            mine.completeExceptionally(failure);
        }
    }

    V read(K key, Supplier<V> source) {
        Turn<V> turn = turn(key);
        if (turn.joined() != null) {
            return answer(turn.joined());
        }
        CompletableFuture<V> mine = turn.mine();
        if (turn.go() != null) {
            // The reads under way started before this caller (and those joining it) arrived: wait for a place.
            turn.go().join();
        }
        V value;
        try {
            value = source.get();
        } catch (Throwable failure) {
            // Whatever ends the read ends it for those waiting on it too: none is left waiting.
            end(key, mine, null, failure);
            throw failure;
        }
        end(key, mine, value, null);
        return value;
    }

    /**
     * The same sharing as {@link #read} without waiting: the answer comes as a future, which fails with the read's
     * failure as raised (wrapped in a {@link CompletionException} by the future). {@code source} must not block: it
     * starts a read and returns, and it may be called on the thread that ends a read under way.
     */
    CompletableFuture<V> readWhenAnswered(K key, Supplier<? extends CompletionStage<V>> source) {
        Turn<V> turn = turn(key);
        if (turn.joined() != null) {
            // A copy: a caller cancelling its answer does not cancel the others'.
            return turn.joined().copy();
        }
        CompletableFuture<V> mine = turn.mine();
        if (turn.go() == null) {
            start(key, mine, source);
        } else {
            // The reads under way started before this caller arrived: this one starts when one ends, whatever its end.
            turn.go().thenRun(() -> start(key, mine, source));
        }
        return mine.copy();
    }

    private void start(K key, CompletableFuture<V> mine, Supplier<? extends CompletionStage<V>> source) {
        CompletionStage<V> read;
        try {
            read = source.get();
        } catch (Throwable failure) {
            read = CompletableFuture.failedFuture(failure);
        }
        read.whenComplete((value, failure) -> end(key, mine, value,
                failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure));
    }

    /** The shared read's value, or its failure rethrown as it was raised (a typed provider failure stays typed). */
    private static <V> V answer(CompletableFuture<V> shared) {
        try {
            return shared.join();
        } catch (CompletionException wrapped) {
            if (wrapped.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (wrapped.getCause() instanceof Error error) {
                throw error;
            }
            throw wrapped;
        }
    }
}
