package org.vpsrecovery.adapters.http.provider;

import io.micronaut.context.BeanLocator;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.exceptions.BeanContextException;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds the VPS.org client from the {@code vpsorg.*} properties, bound by Micronaut into
 * {@link VpsOrgProperties} and checked by {@link VpsOrgSettings}.
 */
@Factory
public class VpsOrgClientFactory {

    /**
     * The client is both provider ports; Micronaut closes it (and its connections) on shutdown. Its HTTP client reads
     * and writes bodies with the context's registries: Micronaut's defaults would start a second, serde-only
     * application context on the main thread during the start (ADR 0133, amended in session 43).
     */
    @Singleton
    @Bean(preDestroy = "close")
    public VpsOrgClient vpsOrgClient(BeanLocator beans, JsonMapper json, MediaTypeCodecRegistry codecs,
            MessageBodyHandlerRegistry bodies, HttpServerConfiguration server) {
        VpsOrgSettings settings = settings(beans);
        requireOneAttemptWithin(settings, server.getIdleTimeout());
        return new VpsOrgClient(settings, VpsOrgClient.httpClient(settings, codecs, bodies), json, Clock.systemUTC());
    }

    /**
     * The bound {@code vpsorg.*} properties, checked; a bad value fails with its key named (never the
     * token, which is bound as text and so never fails a conversion).
     */
    public static VpsOrgSettings settings(BeanLocator beans) {
        VpsOrgProperties properties;
        try {
            properties = beans.getBean(VpsOrgProperties.class);
        } catch (BeanContextException e) {
            throw new ConfigurationException("VPS.org client configuration: " + bindingError(e.getMessage()));
        }
        try {
            return properties.settings();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigurationException("VPS.org client configuration: " + e.getMessage());
        }
    }

    /**
     * A request's VPS.org calls end within two thirds of the server's idle timeout ({@link ProviderDeadline}); settings
     * under which not even one attempt fits there would make every request's call fail unsent: refused at the start.
     */
    static void requireOneAttemptWithin(VpsOrgSettings settings, Duration idleTimeout) {
        ProviderDeadline.budgetWithin(idleTimeout).ifPresent(budget -> {
            Duration attempt = settings.connectTimeout().plus(settings.readTimeout());
            if (attempt.compareTo(budget) >= 0) {
                throw new ConfigurationException("VPS.org client configuration: vpsorg.read-timeout ("
                        + settings.readTimeout().toMillis() + " ms) + vpsorg.connect-timeout ("
                        + settings.connectTimeout().toMillis() + " ms) must be shorter than two thirds of "
                        + "micronaut.server.idle-timeout (" + budget.toMillis() + " ms of " + idleTimeout.toMillis()
                        + " ms): a request's VPS.org calls end within that, so not even one attempt would fit");
            }
        });
    }

    /** Micronaut's line naming the property and why its value did not bind, without the injection path around it. */
    private static String bindingError(String message) {
        return message == null ? "a vpsorg.* property could not be bound" : message.lines()
                .filter(line -> line.contains("Error resolving property value"))
                .map(line -> line.replaceFirst("^\\s*Message:\\s*", "").strip())
                .findFirst().orElse(message.lines().findFirst().orElse(message));
    }
}
