package org.vpsrecovery.adapters.http.provider;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code vpsorg.*} properties as Micronaut binds them (environment variables work too:
 * {@code VPSORG_BASE_URL}, {@code VPSORG_API_TOKEN}, ...), each starting at {@link VpsOrgSettings}'
 * default. A value of the wrong type fails the binding with its key named; the bounds are checked
 * by {@link VpsOrgSettings}. Setters rather than a record: Micronaut binds a record's unconvertible
 * value as its default without a word, setters fail. The token has no getter that prints it and
 * this class no {@code toString} of its own.
 */
@ConfigurationProperties("vpsorg")
public class VpsOrgProperties {

    private static final VpsOrgSettings DEFAULTS = VpsOrgSettings.defaults(URI.create(VpsOrgSettings.DEFAULT_BASE_URL),
            new ApiToken("default"));

    private URI baseUrl = DEFAULTS.baseUrl();
    private String apiToken;
    private Duration connectTimeout = DEFAULTS.connectTimeout();
    private Duration readTimeout = DEFAULTS.readTimeout();
    private int maxPages = DEFAULTS.maxPages();
    private Duration listDeadline = DEFAULTS.listDeadline();
    private int maxResponseSize = DEFAULTS.maxResponseSize();
    private int maxListItems = DEFAULTS.maxListItems();
    private Duration maxHold = DEFAULTS.maxHold();
    /** Unset: the default second, or max-hold if that is shorter (a max-hold under a second was valid before it). */
    private Duration holdWithoutRetryAfter;
    private Pool pool = new Pool();
    private Retry retry = new Retry();
    private CircuitBreaker circuitBreaker = new CircuitBreaker();

    /** The settings these properties give; a missing token or a value out of bounds fails with its key named. */
    VpsOrgSettings settings() {
        if (apiToken == null || apiToken.isBlank()) {
            throw new IllegalArgumentException("vpsorg.api-token (or VPSORG_API_TOKEN) is required to call VPS.org");
        }
        return new VpsOrgSettings(baseUrl, new ApiToken(apiToken), connectTimeout, readTimeout,
                new VpsOrgSettings.Pool(pool.maxConnections, pool.acquireTimeout, pool.maxPending),
                new VpsOrgSettings.Retry(retry.maxAttempts, retry.initialDelay, retry.maxDelay, retry.jitter,
                        retry.maxRetryAfter),
                new VpsOrgSettings.CircuitBreaker(circuitBreaker.failureThreshold, circuitBreaker.window,
                        circuitBreaker.openFor),
                maxPages, listDeadline, maxResponseSize, maxListItems, maxHold, holdWithoutRetryAfter != null
                        ? holdWithoutRetryAfter
                        : maxHold != null && maxHold.compareTo(DEFAULTS.holdWithoutRetryAfter()) < 0 && maxHold.isPositive()
                        ? maxHold : DEFAULTS.holdWithoutRetryAfter());
    }

    public void setBaseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    public void setApiToken(String apiToken) {
        this.apiToken = apiToken;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    public void setMaxPages(int maxPages) {
        this.maxPages = maxPages;
    }

    public void setListDeadline(Duration listDeadline) {
        this.listDeadline = listDeadline;
    }

    public void setMaxResponseSize(int maxResponseSize) {
        this.maxResponseSize = maxResponseSize;
    }

    public void setMaxListItems(int maxListItems) {
        this.maxListItems = maxListItems;
    }

    public void setMaxHold(Duration maxHold) {
        this.maxHold = maxHold;
    }

    public void setHoldWithoutRetryAfter(Duration holdWithoutRetryAfter) {
        this.holdWithoutRetryAfter = holdWithoutRetryAfter;
    }

    public void setPool(Pool pool) {
        this.pool = pool;
    }

    public void setRetry(Retry retry) {
        this.retry = retry;
    }

    public void setCircuitBreaker(CircuitBreaker circuitBreaker) {
        this.circuitBreaker = circuitBreaker;
    }

    /** {@code vpsorg.pool.*} */
    @ConfigurationProperties("pool")
    public static class Pool {
        private int maxConnections = DEFAULTS.pool().maxConnections();
        private Duration acquireTimeout = DEFAULTS.pool().acquireTimeout();
        private int maxPending = DEFAULTS.pool().maxPending();

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public void setAcquireTimeout(Duration acquireTimeout) {
            this.acquireTimeout = acquireTimeout;
        }

        public void setMaxPending(int maxPending) {
            this.maxPending = maxPending;
        }
    }

    /** {@code vpsorg.retry.*} */
    @ConfigurationProperties("retry")
    public static class Retry {
        private int maxAttempts = DEFAULTS.retry().maxAttempts();
        private Duration initialDelay = DEFAULTS.retry().initialDelay();
        private Duration maxDelay = DEFAULTS.retry().maxDelay();
        private double jitter = DEFAULTS.retry().jitter();
        private Duration maxRetryAfter = DEFAULTS.retry().maxRetryAfter();

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }

        public void setMaxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
        }
    }

    /** {@code vpsorg.circuit-breaker.*} */
    @ConfigurationProperties("circuit-breaker")
    public static class CircuitBreaker {
        private int failureThreshold = DEFAULTS.circuitBreaker().failureThreshold();
        private int window = DEFAULTS.circuitBreaker().window();
        private Duration openFor = DEFAULTS.circuitBreaker().openFor();

        public void setFailureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        public void setWindow(int window) {
            this.window = window;
        }

        public void setOpenFor(Duration openFor) {
            this.openFor = openFor;
        }
    }
}
