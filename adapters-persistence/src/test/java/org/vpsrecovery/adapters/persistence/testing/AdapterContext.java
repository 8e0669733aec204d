package org.vpsrecovery.adapters.persistence.testing;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * The persistence adapters as the service wires them (Micronaut Data repositories included), on one
 * test database, Flyway off (the database is migrated already). The webhook message format is the
 * HTTP side's in the service; here a plain one. Contexts opened through {@link Contexts} (a JUnit
 * extension) are closed after each test.
 */
public final class AdapterContext {

    private AdapterContext() {
    }

    public static ApplicationContext on(TestDatabase database) {
        return on(database, database.user(), database.password());
    }

    public static ApplicationContext on(TestDatabase database, String user, String password) {
        return on(database, user, password, 4);
    }

    private static ApplicationContext on(TestDatabase database, String user, String password, int connections) {
        return ApplicationContext.builder().singletons(new PlainTextWebhookFormat()).properties(Map.of(
                "datasources.default.url", database.url(),
                "datasources.default.username", user,
                "datasources.default.password", password,
                "datasources.default.dialect", "POSTGRES",
                "datasources.default.maximum-pool-size", connections,
                "flyway.datasources.default.enabled", false)).start();
    }

    /** The contexts a test opens, closed after it: {@code @RegisterExtension final Contexts contexts = new Contexts();}. */
    public static final class Contexts implements AfterEachCallback, AutoCloseable {
        private final List<ApplicationContext> open = new ArrayList<>();

        public ApplicationContext on(TestDatabase database) {
            return on(database, database.user(), database.password());
        }

        public ApplicationContext on(TestDatabase database, String user, String password) {
            ApplicationContext context = AdapterContext.on(database, user, password);
            open.add(context);
            return context;
        }

        /** A context whose pool holds one connection: what the adapter prepared there can be read back (session state). */
        public ApplicationContext onOneConnection(TestDatabase database) {
            ApplicationContext context = AdapterContext.on(database, database.user(), database.password(), 1);
            open.add(context);
            return context;
        }

        @Override
        public void afterEach(ExtensionContext test) {
            close();
        }

        @Override
        public void close() {
            open.forEach(ApplicationContext::close);
            open.clear();
        }
    }

    /**
     * One context for a test class on its migrated database, started at first use and closed after the
     * class; each test starts from an emptied table. {@code @RegisterExtension static final PerClass
     * ADAPTERS = new PerClass(DATABASE);}
     */
    public static final class PerClass implements AfterAllCallback {
        private final FreshDatabase database;
        private ApplicationContext context;

        public PerClass(FreshDatabase database) {
            this.database = database;
        }

        /** The port as the service wires it, over {@code table} emptied first. */
        public synchronized <T> T emptied(String table, Class<T> port) {
            try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM " + table);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            if (context == null) {
                context = AdapterContext.on(database.database());
            }
            return context.getBean(port);
        }

        @Override
        public synchronized void afterAll(ExtensionContext test) {
            if (context != null) {
                context.close();
                context = null;
            }
        }
    }
}
