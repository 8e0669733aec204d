package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.server.netty.RoutingInBoundHandler;
import org.junit.jupiter.api.Test;

/**
 * Tests run with JVM assertions on, ours and Micronaut's, but for the one Micronaut class whose re-entry assertion
 * fires on a path it handles without assertions, as the service runs (the root pom's {@code test.assertions}, ADR 0006
 * amended in session 43). Turning assertions off more widely would hide what they catch.
 */
class TestJvmAssertionsTest {

    @Test
    void assertionsAreOnInTestsSaveInMicronautsSharedBodyBuffer() throws ClassNotFoundException {
        assertThat(TestJvmAssertionsTest.class.desiredAssertionStatus()).as("ours").isTrue();
        assertThat(Application.class.desiredAssertionStatus()).as("the service's").isTrue();
        assertThat(RoutingInBoundHandler.class.desiredAssertionStatus()).as("Micronaut's server").isTrue();
        assertThat(Class.forName("io.micronaut.http.body.stream.BaseSharedBuffer").desiredAssertionStatus())
                .as("Micronaut's shared body buffer").isFalse();
    }
}
