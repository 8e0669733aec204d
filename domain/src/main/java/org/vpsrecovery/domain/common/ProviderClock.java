package org.vpsrecovery.domain.common;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How far VPS.org's clock may be from ours whenever a time VPS.org gives ({@code created_at}, {@code expires_at}) is
 * compared with one of ours. VPS.org documents nothing about its clock (ADR 0003); a final outcome resting on such a
 * comparison must hold for a provider clock some minutes off either way, as retention already assumes for the points
 * it believes ({@code Retention.CLOCK_SKEW}, ADR 0028). That day is not taken here: as a lower bound of a lost create's
 * window it would let a create that made nothing take a point of its name made by hand hours before, and let a backup
 * deleted hours before its expiry pass as expired (ADR 0024, 0035, amended in session 47).
 */
public final class ProviderClock {

    /**
     * Minutes, not seconds: the window a lost create's point is looked for in was a minute before its acceptance, which
     * a provider clock a minute behind ours already emptied. It also covers that minute, kept for ordering our own
     * writes (the operation, its intent, the call).
     */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private ProviderClock() {
    }

    /** The earliest VPS.org may date a point made at or after {@code ours} on our clock. */
    public static Instant earliestDatingOf(Instant ours) {
        return Objects.requireNonNull(ours, "our instant").minus(TOLERANCE);
    }

    /** Whether VPS.org's clock may have reached {@code theirs} (a time it gave) when ours reads {@code now}. */
    public static boolean mayHaveReached(Instant theirs, Instant now) {
        return !Objects.requireNonNull(now, "now").plus(TOLERANCE).isBefore(Objects.requireNonNull(theirs, "their instant"));
    }

    /**
     * Whether VPS.org's clock has certainly reached {@code theirs} (a time it gave, or one reckoned from such) when ours
     * reads {@code now}: even were it behind ours by the tolerance.
     */
    public static boolean hasCertainlyReached(Instant theirs, Instant now) {
        return !Objects.requireNonNull(now, "now").minus(TOLERANCE).isBefore(Objects.requireNonNull(theirs, "their instant"));
    }
}
