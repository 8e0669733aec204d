package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.util.PathMatcher;
import io.micronaut.http.filter.FilterPatternStyle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The filters declared on {@code /**} serve exactly the paths their former patterns matched (ADR 0124): each of
 * {@link FilterPaths}' answers is the one Micronaut's Ant matcher gives for those patterns, over paths built from
 * the segments that matter, odd ones included (empty segments, blanks, prefixes of the names, trailing slashes).
 */
class FilterPathsTest {

    private static final PathMatcher ANT = FilterPatternStyle.ANT.getPathMatcher();
    private static final List<String> SEGMENTS = List.of("", "api", "API", "apis", "ap", "console", "consoles",
            "health", "healthy", "liveness", "v1", "snapshots", " api", "api ", "%61pi", "..", ".", "x");

    @Test
    void eachAnswerIsTheAntMatchersForTheFormerPatterns() {
        List<String> paths = paths();
        assertThat(paths).hasSizeGreaterThan(10_000);
        for (String path : paths) {
            assertThat(FilterPaths.underApi(path)).as("/api/** of %s", path).isEqualTo(ANT.matches("/api/**", path));
            assertThat(FilterPaths.underConsole(path)).as("the console's patterns of %s", path)
                    .isEqualTo(ANT.matches("/console", path) || ANT.matches("/console/**", path));
            assertThat(FilterPaths.underHealth(path)).as("/health's patterns of %s", path)
                    .isEqualTo(ANT.matches("/health", path) || ANT.matches("/health/**", path));
        }
    }

    @Test
    void theTeamsListIsUnderTheApiOnly() {
        assertThat(FilterPaths.underApi("/api/v1/snapshots/")).isTrue();
        assertThat(FilterPaths.underConsole("/api/v1/snapshots/")).isFalse();
        assertThat(FilterPaths.underHealth("/api/v1/snapshots/")).isFalse();
        assertThat(FilterPaths.underApi("//api/v1/snapshots/")).as("the Ant matcher skips empty segments").isTrue();
        assertThat(FilterPaths.underConsole("/console")).isTrue();
        assertThat(FilterPaths.underHealth("/health/readiness")).isTrue();
        assertThat(FilterPaths.underApi("/apis/")).isFalse();
    }

    /** Every path of up to three of the segments, each joined by "/" or "//", with and without a leading and a trailing slash. */
    private static List<String> paths() {
        List<String> tails = new ArrayList<>(List.of(""));
        List<String> all = new ArrayList<>();
        for (int depth = 0; depth < 3; depth++) {
            List<String> longer = new ArrayList<>();
            for (String tail : tails) {
                for (String segment : SEGMENTS) {
                    longer.add(tail + "/" + segment);
                    if (depth == 0) {
                        longer.add(tail + "//" + segment);
                    }
                }
            }
            tails = longer;
            for (String path : tails) {
                all.add(path);
                all.add(path + "/");
                all.add(path.substring(1));
            }
        }
        all.add("");
        return all;
    }
}
