package org.vpsrecovery.adapters.http.provider;

import io.micronaut.context.BeanContext;
import io.micronaut.context.BeanLocator;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.exceptions.BeanContextException;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientConfiguration.ConnectionPoolConfiguration.ConnectionLocality;
import io.micronaut.http.client.HttpClientRegistry;
import io.micronaut.http.client.LoadBalancer;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Builds the VPS.org client from the {@code vpsorg.*} properties, bound by Micronaut into
 * {@link VpsOrgProperties} and checked by {@link VpsOrgSettings}.
 */
@Factory
public class VpsOrgClientFactory {

    /**
     * The client is both provider ports; Micronaut closes it (and its connections) on shutdown. The blocking calls go
     * through an HTTP client with event loops of its own. The list's non-blocking read goes through a second one from
     * the context's registry, on the HTTP server's event loops: its call prefers a connection of the loop that serves
     * the request (the pool's connection locality), so the answer is written there without waking another thread
     * (ADR 0096). Nothing blocking runs on that second client (ADR 0058 measured blocking callers on the server's
     * loops as a loss).
     */
    @Singleton
    @Bean(preDestroy = "close")
    public VpsOrgClient vpsOrgClient(BeanContext context, JsonMapper json, HttpClientRegistry<HttpClient> clients) {
        VpsOrgSettings settings = settings(context);
        DefaultHttpClientConfiguration configuration = VpsOrgClient.configuration(settings);
        // Each loop its own connections: a call never borrows another loop's connection, whose answer would arrive there.
        configuration.getConnectionPoolConfiguration().setConnectionLocality(ConnectionLocality.ENFORCED_IF_SAME_GROUP);
        HttpClient onTheServersLoops = clients.resolveClient(null, LoadBalancer.fixed(settings.baseUrl()),
                configuration, context);
        return new VpsOrgClient(settings, VpsOrgClient.httpClient(settings), onTheServersLoops, json, Clock.systemUTC());
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

    /** Micronaut's line naming the property and why its value did not bind, without the injection path around it. */
    private static String bindingError(String message) {
        return message == null ? "a vpsorg.* property could not be bound" : message.lines()
                .filter(line -> line.contains("Error resolving property value"))
                .map(line -> line.replaceFirst("^\\s*Message:\\s*", "").strip())
                .findFirst().orElse(message.lines().findFirst().orElse(message));
    }
}
