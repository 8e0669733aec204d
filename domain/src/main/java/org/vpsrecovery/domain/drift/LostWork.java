package org.vpsrecovery.domain.drift;

import java.time.Instant;
import java.util.Objects;

/**
 * When the platform's own work was lost because its database went back (ADR 0022's cut): from the last checkpoint the
 * restored chain still held (or the beginning, when it held none) to the first checkpoint signed after the restart. A
 * point VPS.org made in it that no create on record names may be the platform's own lost work, not someone else's
 * (ADR 0035, amended in session 52).
 */
public record LostWork(Instant from, Instant to) {

    public LostWork {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("lost work ends after it begins");
        }
    }

    public boolean contains(Instant at) {
        return !at.isBefore(from) && !at.isAfter(to);
    }

    /** The words a finding in the window adds. */
    String mayBeOurs() {
        return "; made between " + from + " and " + to + ", while the platform's work was lost to its database going "
                + "back: it may be the platform's own lost work";
    }
}
