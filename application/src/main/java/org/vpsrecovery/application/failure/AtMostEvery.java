package org.vpsrecovery.application.failure;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * A line that would repeat (a WARN at every request or run) said at most once per interval for each key, the times it
 * was held back counted until it is said again. Time is read from an injected monotonic ticker (nanoseconds, as
 * {@link System#nanoTime}), which a stepped wall clock does not move. At most {@code keysRemembered} keys are kept: past
 * that, those whose interval has passed (they would be said at once anyway) are forgotten, then the longest unsaid,
 * which may then be said early: the memory stays bounded whatever the keys (an address, a subscription).
 */
public final class AtMostEvery<K> {

    private final long intervalNanos;
    private final int keysRemembered;
    private final LongSupplier nanoTime;
    /** By key, in the order they were last said: the eldest first. */
    private final LinkedHashMap<K, Said> said = new LinkedHashMap<>();

    private static final class Said {
        final long at;
        long heldBack;

        Said(long at) {
            this.at = at;
        }
    }

    public AtMostEvery(Duration interval, int keysRemembered, LongSupplier nanoTime) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("an interval is positive, was " + interval);
        }
        if (keysRemembered < 1) {
            throw new IllegalArgumentException("at least one key is remembered, was " + keysRemembered);
        }
        this.intervalNanos = interval.toNanos();
        this.keysRemembered = keysRemembered;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Whether {@code key}'s line is to be said now: if so, how many times it was held back since it was last said (0 the
     * first time); empty if it was said less than the interval ago, this time counted as held back.
     */
    public synchronized OptionalLong sayNow(K key) {
        Objects.requireNonNull(key, "key");
        long now = nanoTime.getAsLong();
        Said last = said.get(key);
        if (last != null && now - last.at < intervalNanos) {
            last.heldBack++;
            return OptionalLong.empty();
        }
        long heldBack = last == null ? 0 : last.heldBack;
        said.remove(key);
        said.put(key, new Said(now));
        forgetPast(now);
        return OptionalLong.of(heldBack);
    }

    private void forgetPast(long now) {
        Iterator<Map.Entry<K, Said>> eldest = said.entrySet().iterator();
        while (said.size() > keysRemembered && eldest.hasNext()) {
            Map.Entry<K, Said> entry = eldest.next();
            // In the order said: the first still within its interval ends the ones that may go without loss.
            if (now - entry.getValue().at < intervalNanos) {
                break;
            }
            eldest.remove();
        }
        eldest = said.entrySet().iterator();
        while (said.size() > keysRemembered) {
            eldest.next();
            eldest.remove();
        }
    }

    /** How many keys are remembered now (never more than {@code keysRemembered}). */
    synchronized int remembered() {
        return said.size();
    }
}
