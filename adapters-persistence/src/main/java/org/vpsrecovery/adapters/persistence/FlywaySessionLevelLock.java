package org.vpsrecovery.adapters.persistence;

import java.util.Map;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Flyway's lock between instances held by its main session ({@code pg_try_advisory_lock}, released at the end or when
 * the session ends), not by a transaction left open on it (ADR 0142, amended in session 56). A
 * {@code CREATE INDEX CONCURRENTLY} (in a script whose {@code .sql.conf} says {@code executeInTransaction=false}) waits
 * for every transaction open when it starts, Flyway's lock transaction among them, and so waited without end under
 * Flyway's default (flyway/flyway#3682). Two instances migrating at once are still serialised: the second retries the
 * lock until the first is done, then finds the migrations applied. Every Flyway run takes it: the service's
 * ({@link MigrationSessionsWithoutTheIdleBound}, {@link OwnerMigrationSessionsBounded}) and the tests' (`TestFlyway`).
 */
public final class FlywaySessionLevelLock {

    /** flyway-database-postgresql's setting (Flyway 10.22); its default, true, holds the lock in a transaction. */
    static final String TRANSACTIONAL_LOCK = "flyway.postgresql.transactional.lock";

    private FlywaySessionLevelLock() {
    }

    /** {@code flyway}, its PostgreSQL lock made session-level. */
    public static FluentConfiguration applyTo(FluentConfiguration flyway) {
        return flyway.configuration(Map.of(TRANSACTIONAL_LOCK, "false"));
    }
}
