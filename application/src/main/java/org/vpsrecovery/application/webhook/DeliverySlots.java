package org.vpsrecovery.application.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How many delivery attempts this instance makes at once, in all and to one host. An attempt can hold its
 * thread for the whole connect and answer time; the threads are the cluster jobs' (tracking, restores, policy runs...),
 * so a receiver that never answers, or a team's twenty subscriptions to one, must not take them all. An attempt that
 * finds no slot is not made: it is tried again later ({@link #putOff}), not counted as a failure. Never waits.
 */
public final class DeliverySlots {

    /** A slot taken; closing it gives it back. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** The key of the put-offs for want of any free slot of this instance (a host is never empty). */
    private static final String ALL = "";

    /** Since when a host's slots (or all of them) have refused attempts, and when last. */
    private record Contention(Instant since, Instant last) {
    }

    private final int inAll;
    private final int perHost;
    private final Duration shortestPutOff;
    private final Duration longestPutOff;
    private final Map<String, Integer> byHost = new HashMap<>();
    private final Map<String, Contention> contended = new HashMap<>();
    private int taken;

    /**
     * {@code shortestPutOff} is the put-off of an attempt that finds its host (or every slot) newly busy; it grows with
     * how long the refusals have gone on, to {@code longestPutOff}.
     */
    public DeliverySlots(int inAll, int perHost, Duration shortestPutOff, Duration longestPutOff) {
        if (inAll < 1 || perHost < 1 || perHost > inAll) {
            throw new IllegalArgumentException("slots in all and per host must be at least 1, per host at most in all");
        }
        if (shortestPutOff.isNegative() || shortestPutOff.isZero() || longestPutOff.compareTo(shortestPutOff) < 0) {
            throw new IllegalArgumentException("the shortest put-off must be positive and the longest at least as long");
        }
        this.inAll = inAll;
        this.perHost = perHost;
        this.shortestPutOff = shortestPutOff;
        this.longestPutOff = Objects.requireNonNull(longestPutOff, "longest put-off");
    }

    /** A slot for an attempt to {@code host}, or empty when all of this instance's or that host's are taken. */
    public synchronized Optional<Slot> tryTake(String host) {
        String key = host.toLowerCase(Locale.ROOT);
        int hostTaken = byHost.getOrDefault(key, 0);
        if (taken >= inAll || hostTaken >= perHost) {
            return Optional.empty();
        }
        taken++;
        byHost.put(key, hostTaken + 1);
        return Optional.of(new Slot() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (DeliverySlots.this) {
                    if (!closed) {
                        closed = true;
                        taken--;
                        byHost.merge(key, -1, (a, b) -> a + b == 0 ? null : a + b);
                    }
                }
            }
        });
    }

    /**
     * How long to put off an attempt to {@code host} that found no slot at {@code now}: as long as its host's slots (or,
     * when the host had one free, all of this instance's) have been refusing attempts without a pause of
     * {@code longestPutOff}, between the shortest and the longest put-off. A backlog to one slow host then costs each
     * of its deliveries an execution every {@code longestPutOff} or so, not every {@code shortestPutOff}; once the
     * refusals stop, the next ones start short again.
     */
    public synchronized Duration putOff(String host, Instant now) {
        String key = host.toLowerCase(Locale.ROOT);
        if (byHost.getOrDefault(key, 0) < perHost) {
            key = ALL;
        }
        // Contentions that ended are forgotten: hosts come and go with subscriptions.
        contended.values().removeIf(c -> Duration.between(c.last(), now).compareTo(longestPutOff) > 0);
        Contention contention = contended.merge(key, new Contention(now, now), (was, refused) -> new Contention(was.since(), now));
        Duration busy = Duration.between(contention.since(), now);
        return busy.compareTo(shortestPutOff) < 0 ? shortestPutOff : busy.compareTo(longestPutOff) > 0 ? longestPutOff : busy;
    }
}
