package org.vpsrecovery.adapters.http.provider;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the adapter reaches VPS.org. Bound from the {@code vpsorg.*} properties (or the matching
 * environment variables, e.g. {@code VPSORG_API_TOKEN}) into {@link VpsOrgProperties}; every bound
 * is checked here, so a bad configuration fails at startup with the key's name. The token never
 * appears in {@link #toString()}.
 *
 * @param baseUrl         {@code vpsorg.base-url}, default {@value #DEFAULT_BASE_URL}
 * @param apiToken        {@code vpsorg.api-token}, required
 * @param connectTimeout  {@code vpsorg.connect-timeout}, default 5s
 * @param readTimeout     {@code vpsorg.read-timeout}, default 30s: the longest wait for an answer
 * @param pool            {@code vpsorg.pool.*}
 * @param retry           {@code vpsorg.retry.*} (reads and deletes only)
 * @param circuitBreaker  {@code vpsorg.circuit-breaker.*}
 * @param maxPages        {@code vpsorg.max-pages}, default 100: a list never follows more {@code next} links
 * @param listDeadline    {@code vpsorg.list-deadline}, default 75s: no attempt of a list's page reads starts later than
 *                        this after the list began, so a list of many pages ends within it and one exchange (106 s by
 *                        default), no later than one read retried to its last attempt; the fair share's call slots
 *                        are sized on that (ADR 0037); a request's calls end sooner, by its deadline, which the
 *                        idempotency lease outlasts (ADRs 0010, 0027)
 * @param maxResponseSize {@code vpsorg.max-response-size}, default 8 MiB (64 KiB to 64 MiB): the largest answer read; a
 *                        larger one fails as unreadable instead of filling the 160 MB heap (a page of 100 points is
 *                        about 30 KB; Micronaut's own default was 10 MB for each of up to 20 connections)
 * @param maxListItems    {@code vpsorg.max-list-items}, default 20,000 (100 to 1,000,000): the most distinct items one
 *                        read of a list holds; more fail it as unreadable, however few pages brought them
 * @param maxHold         {@code vpsorg.max-hold}, default 60s: the longest a 429 holds back every call of the client
 *                        (VPS.org's Retry-After, at most this); the call that heard it still gets the whole Retry-After,
 *                        at most an hour, which a policy run's retry waits; the jobs' next rounds wait at most this
 *                        (ADR 0010, amended in sessions 51 and 52)
 * @param holdWithoutRetryAfter {@code vpsorg.hold-without-retry-after}, default 1s, positive and at most {@code maxHold}:
 *                        the hold after a 429 that names no wait (or one of 0), VPS.org having said "too many" but not
 *                        for how long (ADR 0010, amended in session 52)
 */
public record VpsOrgSettings(URI baseUrl, ApiToken apiToken, Duration connectTimeout, Duration readTimeout,
                             Pool pool, Retry retry, CircuitBreaker circuitBreaker, int maxPages,
                             Duration listDeadline, int maxResponseSize, int maxListItems, Duration maxHold,
                             Duration holdWithoutRetryAfter) {

    public static final String DEFAULT_BASE_URL = "https://admin.vps.org";
    /** {@code vpsorg.max-hold} unless set. */
    public static final Duration DEFAULT_MAX_HOLD = Duration.ofSeconds(60);
    /** {@code vpsorg.hold-without-retry-after} unless set. */
    public static final Duration DEFAULT_HOLD_WITHOUT_RETRY_AFTER = Duration.ofSeconds(1);

    /**
     * Connection-pool bounds, so that a slow provider cannot queue requests without limit.
     *
     * @param maxConnections {@code vpsorg.pool.max-connections}, default 20
     * @param acquireTimeout {@code vpsorg.pool.acquire-timeout}, default 5s: the longest wait for a free connection
     * @param maxPending     {@code vpsorg.pool.max-pending}, default 50: requests waiting for a connection; more fail at once
     */
    public record Pool(int maxConnections, Duration acquireTimeout, int maxPending) {
        public Pool {
            requireRange(maxConnections, 1, 1_000, "vpsorg.pool.max-connections");
            requirePositive(acquireTimeout, "vpsorg.pool.acquire-timeout");
            requireRange(maxPending, 1, 100_000, "vpsorg.pool.max-pending");
        }

        public static Pool defaults() {
            return new Pool(20, Duration.ofSeconds(5), 50);
        }
    }

    /**
     * Retries of safe calls: capped exponential backoff with jitter; a {@code Retry-After} longer
     * than {@code maxRetryAfter} is not waited for but handed to the caller.
     *
     * @param maxAttempts   {@code vpsorg.retry.max-attempts}, default 3 (1 = no retry)
     * @param initialDelay  {@code vpsorg.retry.initial-delay}, default 200ms
     * @param maxDelay      {@code vpsorg.retry.max-delay}, default 5s
     * @param jitter        {@code vpsorg.retry.jitter}, default 0.25: each delay varies by up to this share
     * @param maxRetryAfter {@code vpsorg.retry.max-retry-after}, default 10s
     */
    public record Retry(int maxAttempts, Duration initialDelay, Duration maxDelay, double jitter,
                        Duration maxRetryAfter) {
        public Retry {
            requireRange(maxAttempts, 1, 10, "vpsorg.retry.max-attempts");
            requirePositive(initialDelay, "vpsorg.retry.initial-delay");
            requirePositive(maxDelay, "vpsorg.retry.max-delay");
            if (maxDelay.compareTo(initialDelay) <= 0) {
                throw new IllegalArgumentException("vpsorg.retry.max-delay must be longer than vpsorg.retry.initial-delay");
            }
            if (!(jitter >= 0.0 && jitter < 1.0)) {
                throw new IllegalArgumentException("vpsorg.retry.jitter must be in [0, 1)");
            }
            Objects.requireNonNull(maxRetryAfter, "vpsorg.retry.max-retry-after");
            if (maxRetryAfter.isNegative()) {
                throw new IllegalArgumentException("vpsorg.retry.max-retry-after must not be negative");
            }
        }

        public static Retry defaults() {
            return new Retry(3, Duration.ofMillis(200), Duration.ofSeconds(5), 0.25, Duration.ofSeconds(10));
        }

        /**
         * The wait before the retry after a {@code Retry-After} of {@code asked}: stretched by 1/(1 - jitter), as Failsafe
         * jitters it too and would otherwise bring it under what VPS.org asked.
         */
        public Duration stretched(Duration asked) {
            return Duration.ofNanos((long) Math.ceil(asked.toNanos() / (1.0 - jitter)));
        }

        /** The longest Failsafe waits for a computed {@code delay}: it varies it by up to the jitter's share of it. */
        public Duration jitteredUp(Duration delay) {
            return Duration.ofNanos((long) Math.ceil(delay.toNanos() * (1.0 + jitter)));
        }

        /**
         * The longest wait between two attempts: the backoff's cap or the longest {@code Retry-After} waited for
         * (stretched), whichever is longer, jittered up; 16.7 s with the defaults (10 s / 0.75 x 1.25; ADR 0010, amended
         * in session 45).
         */
        public Duration longestWait() {
            Duration retryAfter = stretched(maxRetryAfter);
            return jitteredUp(retryAfter.compareTo(maxDelay) > 0 ? retryAfter : maxDelay);
        }
    }

    /**
     * Opens after {@code failureThreshold} failures (5xx, timeouts, refused or lost connections) among
     * the last {@code window} calls; while open, calls fail at once as unavailable, without being sent.
     *
     * @param failureThreshold {@code vpsorg.circuit-breaker.failure-threshold}, default 5
     * @param window           {@code vpsorg.circuit-breaker.window}, default 10
     * @param openFor          {@code vpsorg.circuit-breaker.open-for}, default 30s, then one trial call
     */
    public record CircuitBreaker(int failureThreshold, int window, Duration openFor) {
        public CircuitBreaker {
            requireRange(window, 1, 1_000, "vpsorg.circuit-breaker.window");
            requireRange(failureThreshold, 1, window, "vpsorg.circuit-breaker.failure-threshold");
            requirePositive(openFor, "vpsorg.circuit-breaker.open-for");
        }

        public static CircuitBreaker defaults() {
            return new CircuitBreaker(5, 10, Duration.ofSeconds(30));
        }
    }

    public VpsOrgSettings {
        baseUrl = normalised(Objects.requireNonNull(baseUrl, "vpsorg.base-url"));
        Objects.requireNonNull(apiToken, "vpsorg.api-token is required");
        requirePositive(connectTimeout, "vpsorg.connect-timeout");
        requirePositive(readTimeout, "vpsorg.read-timeout");
        Objects.requireNonNull(pool, "vpsorg.pool");
        Objects.requireNonNull(retry, "vpsorg.retry");
        Objects.requireNonNull(circuitBreaker, "vpsorg.circuit-breaker");
        requireRange(maxPages, 1, 10_000, "vpsorg.max-pages");
        requirePositive(listDeadline, "vpsorg.list-deadline");
        requireRange(maxResponseSize, 64 * 1024, 64 * 1024 * 1024, "vpsorg.max-response-size");
        requireRange(maxListItems, 100, 1_000_000, "vpsorg.max-list-items");
        requirePositive(maxHold, "vpsorg.max-hold");
        // Longer would act as the hour a Retry-After is read as at most, and an absurd one overflowed the hold's nanos.
        if (maxHold.compareTo(ProviderFailures.LONGEST_RETRY_AFTER) > 0) {
            throw new IllegalArgumentException("vpsorg.max-hold must be at most " + ProviderFailures.LONGEST_RETRY_AFTER
                    + ", was " + maxHold);
        }
        requirePositive(holdWithoutRetryAfter, "vpsorg.hold-without-retry-after");
        if (holdWithoutRetryAfter.compareTo(maxHold) > 0) {
            throw new IllegalArgumentException("vpsorg.hold-without-retry-after must be at most vpsorg.max-hold ("
                    + maxHold + "), was " + holdWithoutRetryAfter);
        }
    }

    /** The defaults above, for {@code baseUrl} and {@code apiToken}. */
    public static VpsOrgSettings defaults(URI baseUrl, ApiToken apiToken) {
        return new VpsOrgSettings(baseUrl, apiToken, Duration.ofSeconds(5), Duration.ofSeconds(30), Pool.defaults(),
                Retry.defaults(), CircuitBreaker.defaults(), 100,
                // 8 MiB: VPS.org lists the whole account in one answer (docs/vpsorg-api.md), ~400 bytes a point, so the
                // default list bound (20,000 points) fits in one answer.
                Duration.ofSeconds(75), 8 * 1024 * 1024, 20_000, DEFAULT_MAX_HOLD, DEFAULT_HOLD_WITHOUT_RETRY_AFTER);
    }

    public VpsOrgSettings withTimeouts(Duration connect, Duration read) {
        return new VpsOrgSettings(baseUrl, apiToken, connect, read, pool, retry, circuitBreaker, maxPages, listDeadline,
                maxResponseSize, maxListItems, maxHold, holdWithoutRetryAfter);
    }

    public VpsOrgSettings withPool(Pool newPool) {
        return new VpsOrgSettings(baseUrl, apiToken, connectTimeout, readTimeout, newPool, retry, circuitBreaker, maxPages,
                listDeadline, maxResponseSize, maxListItems, maxHold, holdWithoutRetryAfter);
    }

    public VpsOrgSettings withRetry(Retry newRetry) {
        return new VpsOrgSettings(baseUrl, apiToken, connectTimeout, readTimeout, pool, newRetry, circuitBreaker, maxPages,
                listDeadline, maxResponseSize, maxListItems, maxHold, holdWithoutRetryAfter);
    }

    public VpsOrgSettings withCircuitBreaker(CircuitBreaker newBreaker) {
        return new VpsOrgSettings(baseUrl, apiToken, connectTimeout, readTimeout, pool, retry, newBreaker, maxPages,
                listDeadline, maxResponseSize, maxListItems, maxHold, holdWithoutRetryAfter);
    }

    public VpsOrgSettings withMaxPages(int newMaxPages) {
        return new VpsOrgSettings(baseUrl, apiToken, connectTimeout, readTimeout, pool, retry, circuitBreaker, newMaxPages,
                listDeadline, maxResponseSize, maxListItems, maxHold, holdWithoutRetryAfter);
    }

    public VpsOrgSettings withListDeadline(Duration newListDeadline) {
        return new VpsOrgSettings(baseUrl, apiToken, connectTimeout, readTimeout, pool, retry, circuitBreaker, maxPages,
                newListDeadline, maxResponseSize, maxListItems, maxHold, holdWithoutRetryAfter);
    }

    public VpsOrgSettings withResponseAndListBounds(int newMaxResponseSize, int newMaxListItems) {
        return new VpsOrgSettings(baseUrl, apiToken, connectTimeout, readTimeout, pool, retry, circuitBreaker, maxPages,
                listDeadline, newMaxResponseSize, newMaxListItems, maxHold, holdWithoutRetryAfter);
    }

    public VpsOrgSettings withMaxHold(Duration newMaxHold) {
        return new VpsOrgSettings(baseUrl, apiToken, connectTimeout, readTimeout, pool, retry, circuitBreaker, maxPages,
                listDeadline, maxResponseSize, maxListItems, newMaxHold, holdWithoutRetryAfter);
    }

    public VpsOrgSettings withHoldWithoutRetryAfter(Duration newHoldWithoutRetryAfter) {
        return new VpsOrgSettings(baseUrl, apiToken, connectTimeout, readTimeout, pool, retry, circuitBreaker, maxPages,
                listDeadline, maxResponseSize, maxListItems, maxHold, newHoldWithoutRetryAfter);
    }

    /** An http(s) origin with an optional path prefix, always ending in a slash so that API paths resolve under it. */
    private static URI normalised(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("vpsorg.base-url must be an http or https URL");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawQuery() != null
                || url.getRawFragment() != null) {
            throw new IllegalArgumentException("vpsorg.base-url must be a plain URL: a host, no user, query or fragment");
        }
        if (scheme.equals("http") && !isLoopback(url.getHost())) {
            throw new IllegalArgumentException("vpsorg.base-url must be https (http only on loopback): over http to "
                    + url.getHost() + " the API token would travel in cleartext");
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return URI.create(scheme + "://" + url.getRawAuthority() + (path.endsWith("/") ? path : path + "/"));
    }

    /** A host that names this machine: the only one a token may reach over plain http (as the JWKS URL, ADR 0034). */
    public static boolean isLoopback(String host) {
        return "127.0.0.1".equals(host) || "localhost".equalsIgnoreCase(host) || "[::1]".equals(host);
    }

    private static void requirePositive(Duration value, String key) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive");
        }
    }

    private static void requireRange(int value, int min, int max, String key) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
