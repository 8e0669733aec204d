package org.vpsrecovery.bootstrap.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.micronaut.http.server.annotation.PreMatching;
import org.junit.jupiter.api.Test;

/**
 * One {@code @PreMatching} filter method anywhere makes Micronaut run every request's filters in two stages, each
 * re-dispatched on a virtual thread of its own: 3 virtual threads a request instead of 1 (ADR 0006, amended in session
 * 41). What must happen before routing is done in the connection's pipeline instead ({@code BodilessRequestType}).
 */
class NoPreMatchingFilterTest {

    private static final JavaClasses PRODUCTION = PlatformClasses.production();

    @Test
    void noFilterOfOursRunsBeforeRouting() {
        noMethods().should().beAnnotatedWith(PreMatching.class)
                .because("a pre-matching filter runs every request's filters in two stages on two more virtual threads;"
                        + " do it in a Netty handler before Micronaut (ADR 0006, amended in session 41)")
                .allowEmptyShould(true)
                .check(PRODUCTION);
    }
}
