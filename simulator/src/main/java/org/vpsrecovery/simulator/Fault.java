package org.vpsrecovery.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One injected misbehaviour: what happens ({@link Effect}), to which requests (method and a path
 * regex, both optional), how often ({@code times}: -1 for ever; {@code share}: the probability a
 * matching request is hit), and whether the provider commits the request first ({@code afterCommit}:
 * a create that happened but whose answer goes wrong); {@code detail}: the words of a {@link Effect#REFUSED} answer.
 *
 * <pre>{@code
 * simulator.faults().add(Fault.dropConnection().on("POST", "/api/v1/snapshots/").committingFirst().times(1));
 * }</pre>
 */
public record Fault(Effect effect, String method, String pathPattern, boolean afterCommit, int times,
                    double share, Duration delay, int status, Duration retryAfter, String detail,
                    RetryAfterForm retryAfterForm) {

    /** How a {@link Effect#RATE_LIMITED} answer says its wait: VPS.org may send seconds, an HTTP date, or nothing. */
    public enum RetryAfterForm {
        /** {@code Retry-After: <whole seconds>}. */
        SECONDS,
        /** {@code Retry-After: <RFC 1123 date>}, {@code retryAfter} from the answer (rounded up to the second). */
        HTTP_DATE,
        /** No {@code Retry-After} header. */
        NONE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static RetryAfterForm fromWire(String raw) {
            return valueOf(raw.strip().toUpperCase(Locale.ROOT));
        }
    }

    public enum Effect {
        /** Waits {@code delay}, then answers normally (other faults may still apply). */
        LATENCY,
        /** Answers {@code status} (5xx) with a JSON {@code detail}. */
        SERVER_ERROR,
        /** Answers {@code status} with an HTML page, as a proxy in front of the provider would. */
        HTML_ERROR,
        /** Answers 429 with {@code Retry-After: <retryAfter seconds>} (or as {@code retryAfterForm} says). */
        RATE_LIMITED,
        /** Answers {@code status} (4xx) with a JSON {@code detail} of the given words: VPS.org refusing the request. */
        REFUSED,
        /** Answers the real status with a truncated JSON body. The request is always processed. */
        MALFORMED_JSON,
        /** Sends nothing until {@code delay} (or the simulator's stop), then closes the connection. */
        HANG,
        /** Closes the connection without any answer. */
        DROP_CONNECTION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Effect fromWire(String raw) {
            return valueOf(raw.strip().toUpperCase(Locale.ROOT));
        }
    }

    public Fault {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(retryAfterForm, "retry after form");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(retryAfter, "retry after");
        if (method != null) {
            method = method.strip().toUpperCase(Locale.ROOT);
        }
        if (pathPattern != null) {
            Pattern.compile(pathPattern); // fails early on a bad regex
        }
        if (times == 0 || times < -1) {
            throw new IllegalArgumentException("times must be positive, or -1 for ever");
        }
        if (!(share > 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException("share must be in (0, 1]");
        }
        if (delay.isNegative() || retryAfter.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (effect == Effect.LATENCY && delay.isZero()) {
            throw new IllegalArgumentException("a latency fault needs a delay");
        }
        if ((effect == Effect.SERVER_ERROR || effect == Effect.HTML_ERROR) && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("an error fault needs a 4xx or 5xx status");
        }
        if (effect == Effect.REFUSED && (status < 400 || status > 499 || detail == null || detail.isBlank())) {
            throw new IllegalArgumentException("a refusal needs a 4xx status and its words");
        }
    }

    /** A fault whose 429 (if it is one) says its wait in seconds. */
    public Fault(Effect effect, String method, String pathPattern, boolean afterCommit, int times, double share,
                 Duration delay, int status, Duration retryAfter, String detail) {
        this(effect, method, pathPattern, afterCommit, times, share, delay, status, retryAfter, detail,
                RetryAfterForm.SECONDS);
    }

    /** A fault of no words of its own. */
    public Fault(Effect effect, String method, String pathPattern, boolean afterCommit, int times, double share,
                 Duration delay, int status, Duration retryAfter) {
        this(effect, method, pathPattern, afterCommit, times, share, delay, status, retryAfter, null);
    }

    /** VPS.org refuses with {@code status} (4xx) and {@code {"detail": words}}, no Retry-After. */
    public static Fault refused(int status, String words) {
        return new Fault(Effect.REFUSED, null, null, false, -1, 1.0, Duration.ZERO, status, Duration.ZERO, words);
    }

    public static Fault latency(Duration delay) {
        return new Fault(Effect.LATENCY, null, null, false, -1, 1.0, delay, 0, Duration.ZERO);
    }

    public static Fault serverError(int status) {
        return new Fault(Effect.SERVER_ERROR, null, null, false, -1, 1.0, Duration.ZERO, status, Duration.ZERO);
    }

    public static Fault htmlError(int status) {
        return new Fault(Effect.HTML_ERROR, null, null, false, -1, 1.0, Duration.ZERO, status, Duration.ZERO);
    }

    public static Fault rateLimited(Duration retryAfter) {
        return new Fault(Effect.RATE_LIMITED, null, null, false, -1, 1.0, Duration.ZERO, 429, retryAfter);
    }

    /** A 429 that names no wait: no {@code Retry-After} at all. */
    public static Fault rateLimitedWithoutRetryAfter() {
        return rateLimited(Duration.ZERO).sayingRetryAfter(RetryAfterForm.NONE);
    }

    /** A 429 whose {@code Retry-After} is an HTTP date {@code retryAfter} from the answer. */
    public static Fault rateLimitedUntilDate(Duration retryAfter) {
        return rateLimited(retryAfter).sayingRetryAfter(RetryAfterForm.HTTP_DATE);
    }

    /** The same fault, its 429's wait said as {@code form}. */
    public Fault sayingRetryAfter(RetryAfterForm form) {
        return new Fault(effect, method, pathPattern, afterCommit, times, share, delay, status, retryAfter, detail, form);
    }

    public static Fault malformedJson() {
        return new Fault(Effect.MALFORMED_JSON, null, null, true, -1, 1.0, Duration.ZERO, 0, Duration.ZERO);
    }

    /** Hangs until the simulator stops (or {@link #lasting(Duration)}). */
    public static Fault hang() {
        return new Fault(Effect.HANG, null, null, false, -1, 1.0, Duration.ZERO, 0, Duration.ZERO);
    }

    public static Fault dropConnection() {
        return new Fault(Effect.DROP_CONNECTION, null, null, false, -1, 1.0, Duration.ZERO, 0, Duration.ZERO);
    }

    /** Only requests with this method whose path matches this regex (either may be null: any). */
    public Fault on(String onlyMethod, String onlyPathPattern) {
        return new Fault(effect, onlyMethod, onlyPathPattern, afterCommit, times, share, delay, status, retryAfter, detail,
                retryAfterForm);
    }

    /** The provider processes the request (a create happens) before the fault spoils the answer. */
    public Fault committingFirst() {
        return new Fault(effect, method, pathPattern, true, times, share, delay, status, retryAfter, detail,
                retryAfterForm);
    }

    public Fault times(int count) {
        return new Fault(effect, method, pathPattern, afterCommit, count, share, delay, status, retryAfter, detail,
                retryAfterForm);
    }

    public Fault share(double probability) {
        return new Fault(effect, method, pathPattern, afterCommit, times, probability, delay, status, retryAfter, detail,
                retryAfterForm);
    }

    /** How long a hang lasts before the connection is closed. */
    public Fault lasting(Duration hangFor) {
        return new Fault(effect, method, pathPattern, afterCommit, times, share, hangFor, status, retryAfter, detail,
                retryAfterForm);
    }

    boolean matches(String requestMethod, String path) {
        return (method == null || method.equals(requestMethod))
                && (pathPattern == null || Pattern.compile(pathPattern).matcher(path).matches());
    }

    /** Latency delays the answer; every other effect replaces it. */
    boolean replacesAnswer() {
        return effect != Effect.LATENCY;
    }
}
