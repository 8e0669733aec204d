package org.vpsrecovery.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.value.PropertyResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Two teams as a deployment configures them, payments (server 1) and search (server 2), each with its token's digest,
 * for the readers of per-team settings: each reads its settings with the teams {@link ConfiguredTeams} found, as the
 * service does at start.
 */
final class TwoConfiguredTeams {

    static final TeamId PAYMENTS = new TeamId("payments");
    static final TeamId SEARCH = new TeamId("search");

    private TwoConfiguredTeams() {
    }

    /** What {@code reader} makes of the two teams' settings with {@code extra} added. */
    static <T> T read(Map<String, Object> extra, BiFunction<PropertyResolver, Set<TeamId>, T> reader) {
        Map<String, Object> properties = new LinkedHashMap<>(Map.of(
                "vpsr.teams.payments.token-sha256", "a".repeat(64), "vpsr.teams.payments.servers", "1",
                "vpsr.teams.search.token-sha256", "b".repeat(64), "vpsr.teams.search.servers", "2"));
        properties.putAll(extra);
        try (ApplicationContext context = ApplicationContext.builder().properties(properties).build()) {
            context.getEnvironment().start();
            ConfiguredTeams teams = ConfiguredTeams.from(context.getEnvironment());
            return reader.apply(context.getEnvironment(), teams.teams());
        }
    }
}
