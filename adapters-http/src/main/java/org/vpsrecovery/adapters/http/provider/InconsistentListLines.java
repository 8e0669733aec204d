package org.vpsrecovery.adapters.http.provider;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.vpsrecovery.application.failure.AtMostEvery;

/**
 * The WARN of a list given up as inconsistent, said at most once in five minutes per route, the times held back counted
 * (ADR 0010, amended in session 54). The count held back after a route's last line is said when the route has been
 * quiet for its interval ({@link #sayQuiet}) and at this instance's stop ({@link #sayAllHeld}): before, it was said by
 * no line once the lists stopped failing (ADR 0025, amended in session 56).
 */
final class InconsistentListLines {

    static final Duration EVERY = Duration.ofMinutes(5);
    private static final int ROUTES = 256;

    private final Logger log;
    private final AtMostEvery<String> lines;

    InconsistentListLines(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.lines = new AtMostEvery<>(EVERY, ROUTES, nanoTime, heldBack -> log.warn("VPS.org's lists were "
                + "inconsistent on more routes than the " + ROUTES + " whose line is remembered: {} more lists failed so "
                + "on other routes since the last such line; if it goes on, tell VPS.org", heldBack));
    }

    /** Whether the route's line is said now, and how many were held back since its last; empty: held back. */
    OptionalLong sayNow(String route) {
        return lines.sayNow(route);
    }

    /** Each route quiet for its interval since it was last held back: its count, in a line of its own. */
    void sayQuiet() {
        for (AtMostEvery.Expired<String> quiet : lines.sayExpired()) {
            log.warn("VPS.org's list at GET {}: {} more lists failed so since its last line, and none since for {} min; "
                    + "if it goes on, tell VPS.org", quiet.key(), quiet.heldBack(), EVERY.toMinutes());
        }
    }

    /** Every count held back, whatever its interval: no later line on this instance would say it. */
    void sayAllHeld() {
        for (AtMostEvery.Expired<String> held : lines.sayAllHeld()) {
            log.warn("VPS.org's list at GET {}: {} more lists failed so since its last line, said as this instance stops; "
                    + "if it goes on, tell VPS.org", held.key(), held.heldBack());
        }
    }
}
