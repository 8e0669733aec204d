package org.vpsrecovery.bootstrap;

import java.time.Duration;

/** A required setting is missing or malformed: the service does not start, and says which one. */
public final class StartupRefused extends RuntimeException {

    public StartupRefused(String message) {
        super(message, null, false, false);
    }

    /** {@code value}, or the start refused naming {@code key} when it is zero or negative. */
    static Duration unlessPositive(String key, Duration value) {
        return unlessAtLeast(key, value, Duration.ofNanos(1));
    }

    /** {@code value}, or the start refused naming {@code key} when it is shorter than {@code least}. */
    static Duration unlessAtLeast(String key, Duration value, Duration least) {
        if (value.compareTo(least) < 0) {
            throw new StartupRefused(key + " must be " + (least.equals(Duration.ofNanos(1)) ? "positive"
                    : "at least " + least.toMillis() + " ms") + ", was " + value);
        }
        return value;
    }
}
