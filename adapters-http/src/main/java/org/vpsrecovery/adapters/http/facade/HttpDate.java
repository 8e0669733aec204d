package org.vpsrecovery.adapters.http.facade;

import io.netty.handler.codec.DateFormatter;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;

/**
 * The {@code Date} of the platform's answers (RFC 9110 section 6.6.1: an origin server with a clock sends it), in the
 * IMF-fixdate form by Netty's formatter (Micronaut's own drops a day's leading zero). Formatted when the clock's second
 * changes, not once an answer: the format was ~1.5 % of a list's CPU (ADR 0129).
 */
@Singleton
final class HttpDate {

    private final Clock clock;
    private volatile Dated last = new Dated(Long.MIN_VALUE, "");

    HttpDate(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The clock's second as IMF-fixdate. */
    String now() {
        long second = Math.floorDiv(clock.millis(), 1000L);
        Dated dated = last;
        if (dated.second() != second) {
            dated = new Dated(second, DateFormatter.format(new Date(second * 1000L)));
            last = dated;
        }
        return dated.text();
    }

    private record Dated(long second, String text) {
    }
}
