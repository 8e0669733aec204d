package org.vpsrecovery.domain.common;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Version 7 UUIDs (RFC 9562): the Unix millisecond of the draw in the first 48 bits, then 74 random bits. The ids the
 * platform draws for its requests and attempts are indexed in the audit history, which only grows: drawn in time order
 * their index entries go to the index's newest pages, where random ids touched a page anywhere in it per event, each
 * first touch after a checkpoint a full page written to the WAL (ADR 0137). The random part comes from
 * {@link ThreadLocalRandom}: these ids correlate and name, they guard nothing (ADR 0129).
 */
public final class TimeOrderedUuid {

    private static final long VERSION_7 = 0x7000L;
    private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

    private TimeOrderedUuid() {
    }

    /** A new id for this millisecond of the system clock. */
    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    /** A new id for the given Unix millisecond (0 to 2^48 - 1: until the year 10889). */
    public static UUID at(long epochMillis) {
        if (epochMillis < 0 || epochMillis >= 1L << 48) {
            throw new IllegalArgumentException("a version 7 UUID holds Unix milliseconds from 0 to 2^48 - 1");
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long mostSignificant = epochMillis << 16 | VERSION_7 | (random.nextLong() & 0x0FFFL);
        long leastSignificant = (random.nextLong() >>> 2) | VARIANT_RFC;
        return new UUID(mostSignificant, leastSignificant);
    }
}
