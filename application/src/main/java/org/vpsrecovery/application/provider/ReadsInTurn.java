package org.vpsrecovery.application.provider;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One read of a key at a time; the callers that arrive while it is under way share the next one.
 * A caller never gets an answer read before it arrived: it joins only a read that has not started
 * yet, so what it gets is as fresh as a read of its own would have been. With {@code n} callers
 * asking for the same key at once, the provider sees about one read per read's duration instead of
 * {@code n}.
 *
 * <p>{@link #read} waits on the calling thread; {@link #readWhenAnswered} never waits: it hands back a future
 * and starts its read when the one under way ends, on the thread that ends it, under its own caller's context
 * (not that of the caller whose read ended). Both share the same reads.
 */
final class ReadsInTurn<K, V> {

    private final CallersContext callersContext;
    private final Map<K, CompletableFuture<V>> underWay = new HashMap<>();
    private final Map<K, CompletableFuture<V>> next = new HashMap<>();
    private final LongAdder joinedCount = new LongAdder();

    ReadsInTurn(CallersContext callersContext) {
        this.callersContext = Objects.requireNonNull(callersContext, "callersContext");
    }

    /** How many callers were answered by a read another caller made. */
    long joined() {
        return joinedCount.sum();
    }

    /**
     * A caller's place: the read it joins (one not started yet), or its own read ({@code mine}), started after
     * {@code before} (the read under way, null if none).
     */
    private record Turn<V>(CompletableFuture<V> joined, CompletableFuture<V> mine, CompletableFuture<V> before) {
    }

    private synchronized Turn<V> turn(K key) {
        CompletableFuture<V> joined = next.get(key);
        if (joined != null) {
            joinedCount.increment();
            return new Turn<>(joined, null, null);
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> before = underWay.get(key);
        (before == null ? underWay : next).put(key, mine);
        return new Turn<>(null, mine, before);
    }

    V read(K key, Supplier<V> source) {
        Turn<V> turn = turn(key);
        if (turn.joined() != null) {
            return answer(turn.joined());
        }
        CompletableFuture<V> mine = turn.mine();
        CompletableFuture<V> before = turn.before();
        if (before != null) {
            // The read under way started before this caller (and those joining it) arrived: wait it out.
            before.exceptionally(failure -> null).join();
            synchronized (this) {
                next.remove(key, mine);
                underWay.put(key, mine);
            }
        }
        try {
            V value = source.get();
            mine.complete(value);
            return value;
        } catch (Throwable failure) {
            // Whatever ends the read ends it for those waiting on it too: none is left waiting.
            mine.completeExceptionally(failure);
            throw failure;
        } finally {
            synchronized (this) {
                underWay.remove(key, mine);
            }
        }
    }

    /**
     * The same sharing as {@link #read} without waiting: the answer comes as a future, which fails with the read's
     * failure as raised (wrapped in a {@link CompletionException} by the future). {@code source} must not block: it
     * starts a read and returns, and it may be called on the thread that ends the read under way.
     */
    CompletableFuture<V> readWhenAnswered(K key, Supplier<? extends CompletionStage<V>> source) {
        Turn<V> turn = turn(key);
        if (turn.joined() != null) {
            // A copy: a caller cancelling its answer does not cancel the others'.
            return turn.joined().copy();
        }
        CompletableFuture<V> mine = turn.mine();
        CompletableFuture<V> before = turn.before();
        if (before == null) {
            start(key, mine, source);
        } else {
            CompletableFuture<V> after = mine;
            // The read under way started before this caller arrived: this one starts when it ends, whatever its end,
            // under this caller's context (the thread ending it runs under the context of the read that ended).
            Runnable startAfter = callersContext.carrying(() -> {
                synchronized (this) {
                    next.remove(key, after);
                    underWay.put(key, after);
                }
                start(key, after, source);
            });
            before.whenComplete((value, failure) -> startAfter.run());
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
        read.whenComplete((value, failure) -> {
            synchronized (this) {
                underWay.remove(key, mine);
            }
            if (failure == null) {
                mine.complete(value);
            } else {
                mine.completeExceptionally(failure instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : failure);
            }
        });
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
