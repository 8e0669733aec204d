package org.vpsrecovery.application.failure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A line that would repeat (a WARN at every request or run) said at most once per interval for each key, the times it
 * was held back counted until it is said again. Time is read from an injected monotonic ticker (nanoseconds, as
 * {@link System#nanoTime}), which a stepped wall clock does not move. At most {@code keysRemembered} keys are kept: past
 * that, only those whose interval has passed (they would be said at once anyway) are forgotten, any count they held back
 * going to the shared line below (session 55); while all are within
 * theirs, a new key's line is not said on its own but counted into one shared line for the others, said at most once per
 * interval ({@code othersLine}, given the lines held back since its last). The memory and the lines stay bounded
 * whatever the keys (an address, a subscription). Before (session 54's review), the eldest key within its interval was
 * forgotten: past the bound, keys cycling through were each said at every pass. ADR 0025, amended in session 54.
 *
 * <p>When a key's lines stop, the times held back since its last would be said by no line: {@link #sayExpired()}, called
 * from a loop that ticks anyway, hands back each key quiet for an interval since the last time it was held back, with
 * that count, and forgets it; the shared line's count is said so too (ADR 0025, amended in session 55).
 */
public final class AtMostEvery<K> {

    private final long intervalNanos;
    private final int keysRemembered;
    private final LongSupplier nanoTime;
    private final LongConsumer othersLine;
    /** The shared line for keys not remembered: when last said (valid if {@link #othersSaid}), and held back since. */
    private boolean othersSaid;
    private long othersSaidAt;
    private long othersHeldBack;
    /** When the shared line's last event was held back (valid if {@link #othersHeldBack} is not 0). */
    private long othersLastHeldAt;
    /** By key, in the order they were last said: the eldest first. */
    private final LinkedHashMap<K, Said> said = new LinkedHashMap<>();

    private static final class Said {
        final long at;
        long heldBack;
        /** When it was last held back (valid if {@link #heldBack} is not 0). */
        long lastHeldAt;

        Said(long at) {
            this.at = at;
        }
    }

    /**
     * For a fixed set of keys no larger than {@code keysRemembered} (a kind of line, a reason): past it, a key not
     * remembered is held back without a line.
     */
    public AtMostEvery(Duration interval, int keysRemembered, LongSupplier nanoTime) {
        this(interval, keysRemembered, nanoTime, heldBack -> {
        });
    }

    /**
     * {@code othersLine}: says the shared line for keys not remembered, given how many of their lines were held back since
     * its last (this one's included); called outside this object's lock.
     */
    public AtMostEvery(Duration interval, int keysRemembered, LongSupplier nanoTime, LongConsumer othersLine) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("an interval is positive, was " + interval);
        }
        if (keysRemembered < 1) {
            throw new IllegalArgumentException("at least one key is remembered, was " + keysRemembered);
        }
        this.intervalNanos = interval.toNanos();
        this.keysRemembered = keysRemembered;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.othersLine = Objects.requireNonNull(othersLine, "othersLine");
    }

    /**
     * Whether {@code key}'s line is to be said now: if so, how many times it was held back since it was last said (0 the
     * first time); empty if it was said less than the interval ago, this time counted as held back.
     */
    public OptionalLong sayNow(K key) {
        Objects.requireNonNull(key, "key");
        long othersNow;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            Said last = said.get(key);
            if (last != null && now - last.at < intervalNanos) {
                last.heldBack++;
                last.lastHeldAt = now;
                return OptionalLong.empty();
            }
            if (last == null && said.size() >= keysRemembered) {
                forgetPast(now);
            }
            if (last != null || said.size() < keysRemembered) {
                long heldBack = last == null ? 0 : last.heldBack;
                said.remove(key);
                said.put(key, new Said(now));
                return OptionalLong.of(heldBack);
            }
            // Every key remembered is within its interval: this one joins the others' shared line.
            othersHeldBack++;
            othersLastHeldAt = now;
            if (othersSaid && now - othersSaidAt < intervalNanos) {
                return OptionalLong.empty();
            }
            othersSaid = true;
            othersSaidAt = now;
            othersNow = othersHeldBack;
            othersHeldBack = 0;
        }
        othersLine.accept(othersNow);
        return OptionalLong.empty();
    }

    /** A key's times held back since its last line, said by no line yet: {@link #sayExpired()}. */
    public record Expired<K>(K key, long heldBack) {
        public Expired {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * The lines held back that no next line will say: each key held back at least once since its last line and not since
     * for an interval (so its interval has passed too, and no line came after it), with that count; the key is forgotten,
     * and its next line is said whole, as a first. Keys whose interval has passed with nothing held back are forgotten
     * with no line. The others' shared line, quiet for an interval with some held back, is said the same way (through
     * its {@code othersLine}, outside the lock). While a key's lines go on (one at least every interval) this says
     * nothing of it: the next line says the count, as before. For a loop that ticks whatever happens (ADR 0025, session 55).
     */
    public List<Expired<K>> sayExpired() {
        List<Expired<K>> expired = new ArrayList<>();
        long othersNow = 0;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            Iterator<Map.Entry<K, Said>> keys = said.entrySet().iterator();
            while (keys.hasNext()) {
                Map.Entry<K, Said> key = keys.next();
                Said last = key.getValue();
                if (last.heldBack == 0 ? now - last.at >= intervalNanos : now - last.lastHeldAt >= intervalNanos) {
                    keys.remove();
                    if (last.heldBack > 0) {
                        expired.add(new Expired<>(key.getKey(), last.heldBack));
                    }
                }
            }
            if (othersHeldBack > 0 && now - othersLastHeldAt >= intervalNanos) {
                othersNow = othersHeldBack;
                othersHeldBack = 0;
                othersSaid = false;
            }
        }
        if (othersNow > 0) {
            othersLine.accept(othersNow);
        }
        return expired;
    }

    /**
     * Every count held back and not said yet, whatever its interval: for an instance that stops, whose held-back lines no
     * later line or sweep would say. Hands back each key held back since its last line, with that count, and says the
     * others' shared line if some are held back (outside the lock); every key is forgotten (ADR 0025, session 55).
     */
    public List<Expired<K>> sayAllHeld() {
        List<Expired<K>> held = new ArrayList<>();
        long othersNow;
        synchronized (this) {
            for (Map.Entry<K, Said> key : said.entrySet()) {
                if (key.getValue().heldBack > 0) {
                    held.add(new Expired<>(key.getKey(), key.getValue().heldBack));
                }
            }
            said.clear();
            othersNow = othersHeldBack;
            othersHeldBack = 0;
            othersSaid = false;
        }
        if (othersNow > 0) {
            othersLine.accept(othersNow);
        }
        return held;
    }

    /**
     * Forgets the keys whose interval has passed: in the order said, the first still within its interval ends them. A key
     * forgotten with times held back gives them to the others' shared line, which says them (its next line or
     * {@link #sayExpired()}): forgotten, they would be said by no line (session 55's review).
     */
    private void forgetPast(long now) {
        Iterator<Map.Entry<K, Said>> eldest = said.entrySet().iterator();
        while (eldest.hasNext()) {
            Said last = eldest.next().getValue();
            if (now - last.at < intervalNanos) {
                break;
            }
            if (last.heldBack > 0) {
                // The later of the two, compared by difference as System.nanoTime's values must be.
                if (othersHeldBack == 0 || last.lastHeldAt - othersLastHeldAt > 0) {
                    othersLastHeldAt = last.lastHeldAt;
                }
                othersHeldBack += last.heldBack;
            }
            eldest.remove();
        }
    }

    /** How many keys are remembered now (never more than {@code keysRemembered}). */
    synchronized int remembered() {
        return said.size();
    }
}
