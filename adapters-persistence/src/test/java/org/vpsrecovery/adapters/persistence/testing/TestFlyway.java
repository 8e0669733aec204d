package org.vpsrecovery.adapters.persistence.testing;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Flyway for the tests' own runs, its PostgreSQL lock held by its session as the service's is (FlywaySessionLevelLock,
 * ADR 0142, amended in session 56): under Flyway's default a migration building an index CONCURRENTLY hangs.
 * The key is written out here: this package depends on no other of the module's (the architecture test's cycles).
 */
public final class TestFlyway {

    private TestFlyway() {
    }

    public static FluentConfiguration configure() {
        return Flyway.configure().configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
    }
}
