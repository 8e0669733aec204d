package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.util.PathMatcher;
import io.micronaut.http.filter.FilterPatternStyle;

/**
 * Which paths a filter serves, decided in the filter's {@code isEnabled} with its {@code @ServerFilter} on {@code /**}.
 * Micronaut matches a filter declared on any other pattern against every request's path (its Ant matcher tokenizes
 * both), then sorts the matched list: ~8 % of a list's samples (ADR 0124). With every filter on {@code /**} the router
 * answers each request with its one list, sorted once.
 *
 * <p>Each answer is the Ant matcher's for the patterns the filter was declared on: a path beginning {@code /api/} has
 * {@code api} as its first segment (what {@code /api/**} matches, and none of the others), any other path is given to
 * the same matcher as before.
 */
public final class FilterPaths {

    private static final String API = "/api/";
    private static final PathMatcher ANT = FilterPatternStyle.ANT.getPathMatcher();

    private FilterPaths() {
    }

    /** {@code /api/**}. */
    public static boolean underApi(String path) {
        return path.startsWith(API) || ANT.matches("/api/**", path);
    }

    /** {@code /console} and {@code /console/**}. */
    public static boolean underConsole(String path) {
        return !path.startsWith(API) && (ANT.matches("/console", path) || ANT.matches("/console/**", path));
    }

    /** {@code /health} and {@code /health/**}. */
    public static boolean underHealth(String path) {
        return !path.startsWith(API) && (ANT.matches("/health", path) || ANT.matches("/health/**", path));
    }
}
