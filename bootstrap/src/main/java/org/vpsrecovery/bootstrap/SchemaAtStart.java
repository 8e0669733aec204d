package org.vpsrecovery.bootstrap;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Before the context starts: is every migration of this jar already applied, and nothing else? Then
 * Flyway is not run at start (ADR 0056: it was a fifth of a start's wall-clock time, most of it
 * Flyway copying its own configuration), and {@link DeferredMigrationValidation} checks the applied
 * migrations' checksums once the service listens. Anything else (an empty database, a migration
 * to apply, a failed or baselined one, a database this jar does not know, no answer) leaves Flyway
 * to migrate at start exactly as before, lock included.
 */
final class SchemaAtStart {

    /** Set when the schema was found current and Flyway was not run at start. */
    static final String CURRENT = "vpsr.migrations.current-at-start";
    static final String URL = "vpsr.migrations.validate.url";
    static final String USER = "vpsr.migrations.validate.user";
    static final String PASSWORD = "vpsr.migrations.validate.password";

    private static final String LOCATION = "db/migration";
    private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9._]*)__[^/]+\\.sql");

    private SchemaAtStart() {
    }

    /**
     * The properties that switch Flyway off at start when the schema is current; none otherwise.
     *
     * @param properties the service's Micronaut properties as they will start the context
     */
    static Map<String, Object> flywaySettings(Map<String, Object> properties) {
        Object url = properties.get("datasources.default.url");
        if (url == null || Boolean.FALSE.equals(properties.get("flyway.datasources.default.enabled"))
                && !Boolean.TRUE.equals(properties.get("flyway.datasources.owner.enabled"))) {
            return Map.of();
        }
        boolean owner = Boolean.TRUE.equals(properties.get("flyway.datasources.owner.enabled"));
        String jdbcUrl = String.valueOf(owner ? properties.get("flyway.datasources.owner.url") : url);
        String user = String.valueOf(owner ? properties.get("flyway.datasources.owner.user") : properties.get("datasources.default.username"));
        String password = String.valueOf(owner ? properties.get("flyway.datasources.owner.password")
                : properties.getOrDefault("datasources.default.password", ""));
        Optional<Set<MigrationVersion>> inJar = versionsIn(SchemaAtStart.class.getClassLoader());
        if (inJar.isEmpty() || !inJar.equals(appliedVersions(jdbcUrl, user, password))) {
            return Map.of();
        }
        return Map.of("flyway.datasources.default.enabled", false, "flyway.datasources.owner.enabled", false,
                CURRENT, true, URL, jdbcUrl, USER, user, PASSWORD, password);
    }

    /** The versions of the migrations on the class path; empty if anything there is not a plain versioned SQL file. */
    static Optional<Set<MigrationVersion>> versionsIn(ClassLoader classLoader) {
        Set<MigrationVersion> versions = new HashSet<>();
        try {
            for (URL location : Collections.list(classLoader.getResources(LOCATION))) {
                List<String> names = switch (location.getProtocol()) {
                    case "jar" -> {
                        JarURLConnection connection = (JarURLConnection) location.openConnection();
                        // Our own copy, closed here: the JDK's cached one would keep the jar's index in memory.
                        connection.setUseCaches(false);
                        String prefix = connection.getEntryName() + "/";
                        try (JarFile jar = connection.getJarFile()) {
                            yield jar.stream().map(JarEntry::getName)
                                    .filter(name -> name.startsWith(prefix) && name.length() > prefix.length())
                                    .map(name -> name.substring(prefix.length())).toList();
                        }
                    }
                    case "file" -> {
                        try (Stream<Path> files = Files.list(Path.of(location.toURI()))) {
                            yield files.map(file -> file.getFileName().toString() + (Files.isDirectory(file) ? "/" : "")).toList();
                        }
                    }
                    default -> null;
                };
                if (names == null) {
                    return Optional.empty();
                }
                for (String name : names) {
                    Matcher versioned = VERSIONED.matcher(name);
                    if (!versioned.matches() || !versions.add(MigrationVersion.fromVersion(versioned.group(1)))) {
                        return Optional.empty();
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException unreadable) {
            return Optional.empty();
        }
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions);
    }

    /** The versions Flyway applied successfully as plain SQL migrations; empty if anything else is recorded or nothing answers. */
    static Optional<Set<MigrationVersion>> appliedVersions(String url, String user, String password) {
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        // An unreachable database fails the pool's start a moment later with its own message.
        login.setProperty("connectTimeout", "5");
        login.setProperty("ApplicationName", "vps-recovery schema check");
        Set<MigrationVersion> versions = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(url, login);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version, type, success FROM flyway_schema_history")) {
            while (rows.next()) {
                String version = rows.getString(1);
                if (version == null && "SCHEMA".equals(rows.getString(2)) && rows.getBoolean(3)) {
                    continue;
                }
                if (version == null || !"SQL".equals(rows.getString(2)) || !rows.getBoolean(3)
                        || !versions.add(MigrationVersion.fromVersion(version))) {
                    return Optional.empty();
                }
            }
        } catch (SQLException | RuntimeException noAnswer) {
            return Optional.empty();
        }
        return Optional.of(versions);
    }
}
