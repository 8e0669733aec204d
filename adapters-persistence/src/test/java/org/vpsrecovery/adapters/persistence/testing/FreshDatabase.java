package org.vpsrecovery.adapters.persistence.testing;

import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension giving a test class its own fresh database on the shared server, dropped
 * after the class:
 * <pre>{@code
 * @RegisterExtension
 * static final FreshDatabase DATABASE = FreshDatabase.migrated();
 * }</pre>
 * Tests that need an empty store per test take {@link #anotherMigrated()}; those are dropped
 * with the class's database.
 */
public final class FreshDatabase implements BeforeAllCallback, AfterAllCallback {

    private final boolean migrated;
    private final List<TestDatabase> created = new ArrayList<>();
    private TestDatabase database;

    private FreshDatabase(boolean migrated) {
        this.migrated = migrated;
    }

    /** Every Flyway migration applied. */
    public static FreshDatabase migrated() {
        return new FreshDatabase(true);
    }

    /** No table at all, for testing the migrations themselves. */
    public static FreshDatabase empty() {
        return new FreshDatabase(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        PostgresServer server = PostgresServer.shared();
        database = migrated ? server.createMigratedDatabase() : server.createDatabase();
        created.add(database);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        created.forEach(TestDatabase::drop);
        created.clear();
        database = null;
    }

    public TestDatabase database() {
        if (database == null) {
            throw new IllegalStateException("register FreshDatabase as a static @RegisterExtension field");
        }
        return database;
    }

    /** A new DataSource to the class's database, as the owner. */
    public DataSource dataSource() {
        return database().dataSource();
    }

    /** One more migrated database, dropped after the class. */
    public synchronized TestDatabase anotherMigrated() {
        TestDatabase another = PostgresServer.shared().createMigratedDatabase();
        created.add(another);
        return another;
    }
}
