package org.vpsrecovery.archfixture.domain;

/** Breaks "domain sees only the JDK": it uses a test framework's annotation. */
@org.junit.jupiter.api.Tag("framework-in-domain")
public class AnnotatedEntity {
}
