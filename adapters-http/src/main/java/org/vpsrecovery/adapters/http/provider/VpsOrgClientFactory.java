package org.vpsrecovery.adapters.http.provider;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.value.PropertyResolver;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds the VPS.org client from the {@code vpsorg.*} properties (environment variables work too:
 * {@code VPSORG_BASE_URL}, {@code VPSORG_API_TOKEN}, ...). Settings are read by hand into a plain
 * record so that their checks live in one place ({@link VpsOrgSettings}) and the token never
 * passes through a configuration bean that something might print.
 */
@Factory
public class VpsOrgClientFactory {

    /** The client is both provider ports; Micronaut closes it (and its connections) on shutdown. */
    @Singleton
    @Bean(preDestroy = "close")
    public VpsOrgClient vpsOrgClient(PropertyResolver properties, JsonMapper json) {
        VpsOrgSettings settings = settings(properties);
        return new VpsOrgClient(settings, VpsOrgClient.httpClient(settings), json, Clock.systemUTC());
    }

    /** Reads and checks every {@code vpsorg.*} key; a bad value fails with its key named, never its token. */
    public static VpsOrgSettings settings(PropertyResolver properties) {
        try {
            String token = properties.get("vpsorg.api-token", String.class)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "vpsorg.api-token (or VPSORG_API_TOKEN) is required to call VPS.org"));
            VpsOrgSettings defaults = VpsOrgSettings.defaults(
                    URI.create(properties.get("vpsorg.base-url", String.class).orElse(VpsOrgSettings.DEFAULT_BASE_URL)),
                    new ApiToken(token));
            VpsOrgSettings.Pool pool = defaults.pool();
            VpsOrgSettings.Retry retry = defaults.retry();
            VpsOrgSettings.CircuitBreaker breaker = defaults.circuitBreaker();
            return new VpsOrgSettings(defaults.baseUrl(), defaults.apiToken(),
                    duration(properties, "vpsorg.connect-timeout", defaults.connectTimeout()),
                    duration(properties, "vpsorg.read-timeout", defaults.readTimeout()),
                    new VpsOrgSettings.Pool(
                            integer(properties, "vpsorg.pool.max-connections", pool.maxConnections()),
                            duration(properties, "vpsorg.pool.acquire-timeout", pool.acquireTimeout()),
                            integer(properties, "vpsorg.pool.max-pending", pool.maxPending())),
                    new VpsOrgSettings.Retry(
                            integer(properties, "vpsorg.retry.max-attempts", retry.maxAttempts()),
                            duration(properties, "vpsorg.retry.initial-delay", retry.initialDelay()),
                            duration(properties, "vpsorg.retry.max-delay", retry.maxDelay()),
                            properties.get("vpsorg.retry.jitter", Double.class).orElse(retry.jitter()),
                            duration(properties, "vpsorg.retry.max-retry-after", retry.maxRetryAfter())),
                    new VpsOrgSettings.CircuitBreaker(
                            integer(properties, "vpsorg.circuit-breaker.failure-threshold", breaker.failureThreshold()),
                            integer(properties, "vpsorg.circuit-breaker.window", breaker.window()),
                            duration(properties, "vpsorg.circuit-breaker.open-for", breaker.openFor())),
                    integer(properties, "vpsorg.max-pages", defaults.maxPages()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigurationException("VPS.org client configuration: " + e.getMessage());
        }
    }

    private static Duration duration(PropertyResolver properties, String key, Duration fallback) {
        if (!properties.containsProperty(key)) {
            return fallback;
        }
        return properties.get(key, Duration.class)
                .orElseThrow(() -> new IllegalArgumentException(key + " must be a duration such as 500ms, 5s or 1m"));
    }

    private static int integer(PropertyResolver properties, String key, int fallback) {
        if (!properties.containsProperty(key)) {
            return fallback;
        }
        return properties.get(key, Integer.class)
                .orElseThrow(() -> new IllegalArgumentException(key + " must be an integer"));
    }
}
