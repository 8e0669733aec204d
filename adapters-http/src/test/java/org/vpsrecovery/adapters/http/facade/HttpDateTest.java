package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HttpDateTest {

    /** A clock the test moves. */
    private static final class SteppedClock extends Clock {
        final AtomicLong millis = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void theDateIsImfFixdateWithATwoDigitDay() {
        SteppedClock clock = new SteppedClock();
        clock.millis.set(Instant.parse("2026-12-04T08:05:09.750Z").toEpochMilli());
        assertThat(new HttpDate(clock).now()).isEqualTo("Fri, 04 Dec 2026 08:05:09 GMT");
    }

    @Test
    void theDateIsFormattedOnceASecond() {
        SteppedClock clock = new SteppedClock();
        clock.millis.set(Instant.parse("2026-12-04T23:59:59.001Z").toEpochMilli());
        HttpDate date = new HttpDate(clock);
        String first = date.now();
        clock.millis.addAndGet(998);
        assertThat(date.now()).isSameAs(first);
        clock.millis.addAndGet(1);
        assertThat(date.now()).isEqualTo("Sat, 05 Dec 2026 00:00:00 GMT");
        clock.millis.set(Instant.parse("1969-12-31T23:59:59.500Z").toEpochMilli());
        assertThat(date.now()).isEqualTo("Wed, 31 Dec 1969 23:59:59 GMT");
    }
}
