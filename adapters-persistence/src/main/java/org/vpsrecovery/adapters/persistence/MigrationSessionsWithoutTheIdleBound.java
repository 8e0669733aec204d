package org.vpsrecovery.adapters.persistence;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.BeanContext;
import io.micronaut.flyway.FlywayConfigurationCustomizer;
import io.micronaut.flyway.FlywayConfigurationProperties;
import io.micronaut.inject.qualifiers.Qualifiers;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Flyway's migration through the service's own database (no schema owner's login of its own) opens its own two
 * sessions, not the pool's, and those lift the pool's {@code idle_in_transaction_session_timeout} (ADR 0023, amended in
 * session 39, review). Flyway 10 holds its lock between instances in a transaction left open on its main session while
 * a migration runs on the other, then writes the schema history through the main one: with the pool's bound a
 * migration longer than it had the main session ended, the history's write failed, the start failed (and every later
 * one), and the lock was freed for another instance mid-migration. The other bounds stay: {@code lock_timeout}, so old
 * instances' appends do not queue behind a migration waiting for a table (deploy.md), and the keepalives. The pool's
 * network timeout (session 45) is lifted too: a migration's statement may run longer. Since session 56 Flyway's lock
 * is held by its main session, not by a transaction ({@link FlywaySessionLevelLock}, ADR 0142); the lift stays, for
 * any transaction a migration's session leaves idle.
 *
 * <p>Replaces micronaut-flyway's default customizer for {@code default}, which only adds Java migrations, callbacks,
 * resolvers and resource or class providers named so: the service has none.
 */
@Singleton
@Named(MigrationSessionsWithoutTheIdleBound.DATA_SOURCE)
final class MigrationSessionsWithoutTheIdleBound implements FlywayConfigurationCustomizer {

    static final String DATA_SOURCE = "default";

    /** Last among the options, so that it wins over the pool's bound and an operator's own setting alike. */
    static final String NO_IDLE_BOUND = "-c idle_in_transaction_session_timeout=0";

    private final BeanContext context;

    MigrationSessionsWithoutTheIdleBound(BeanContext context) {
        this.context = context;
    }

    @Override
    public String getName() {
        return DATA_SOURCE;
    }

    @Override
    public void customizeFluentConfiguration(FluentConfiguration flyway) {
        FlywaySessionLevelLock.applyTo(flyway);
        boolean throughThePool = context.findBean(FlywayConfigurationProperties.class, Qualifiers.byName(DATA_SOURCE))
                .map(configuration -> !configuration.hasAlternativeDatabaseConfiguration())
                .orElse(false);
        if (throughThePool) {
            DatasourceConfiguration pool = context.getBean(DatasourceConfiguration.class, Qualifiers.byName(DATA_SOURCE));
            flyway.dataSource(migrationSessions(pool));
        }
    }

    /**
     * The pool's URL, login and pgjdbc properties (its bounds among them), the idle bound lifted. The options are
     * joined as the pool's are ({@link PooledSessionBounds}): the property's, then any still in the URL, then the lift.
     */
    static DataSource migrationSessions(DatasourceConfiguration pool) {
        return migrationSessions(pool, pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
    }

    /**
     * As {@link #migrationSessions(DatasourceConfiguration)}, at {@code url} as {@code user} (the schema owner's own
     * login, {@link OwnerMigrationSessionsBounded}): the pool's pgjdbc properties and bounds, never its login.
     */
    static DataSource migrationSessions(DatasourceConfiguration pool, String url, String user, String password) {
        PGSimpleDataSource sessions = new PGSimpleDataSource();
        sessions.setURL(DatabaseUrlOptions.without(url));
        String options = null;
        for (Map.Entry<Object, Object> property : pool.getDataSourceProperties().entrySet()) {
            if (PooledSessionBounds.OPTIONS.equals(property.getKey())) {
                options = String.valueOf(property.getValue());
                continue;
            }
            // As pgjdbc takes them from the pool: a name it does not know is left out, not refused.
            PGProperty known = PGProperty.forName(String.valueOf(property.getKey()));
            if (known != null) {
                sessions.setProperty(known, String.valueOf(property.getValue()));
            }
        }
        // A migration's statement may run for minutes (an index on a large table): no bound on the client's wait
        // for its answer (the pool's, PooledSessionBounds, session 45), as before; the keepalives still end a vanished
        // migrating instance's sessions.
        sessions.setSocketTimeout(0);
        // After the pool's properties, so that none of them names another login.
        sessions.setUser(user);
        sessions.setPassword(password);
        options = DatabaseUrlOptions.joined(options, DatabaseUrlOptions.of(url));
        sessions.setOptions(DatabaseUrlOptions.joined(options, NO_IDLE_BOUND));
        return sessions;
    }
}
