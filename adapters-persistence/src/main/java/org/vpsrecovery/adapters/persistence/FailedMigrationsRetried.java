package org.vpsrecovery.adapters.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.flywaydb.core.api.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A migration that ran outside a transaction ({@code executeInTransaction=false} in its {@code .sql.conf}: an index
 * built CONCURRENTLY) and failed is tried again at the next start (ADR 0142, amended in session 56). Flyway 10.22 writes
 * a {@code success=false} history row for it, and its validate then stops every later start ("Detected failed
 * migration ... run repair"); the service has no repair mode. Such a script drops what a failed run left first (the
 * build rule, {@link LargeTableIndexRule}), so running it again is safe: its failed row is deleted, with a WARN naming
 * the version, under Flyway's lock ({@link FlywaysLockAtStart}), before Flyway migrates. A failed row of any other script
 * is left: Flyway's validate still stops the start, and the ERROR line here says which and what to do.
 */
final class FailedMigrationsRetried {

    private static final Logger LOG = LoggerFactory.getLogger(FailedMigrationsRetried.class);

    private FailedMigrationsRetried() {
    }

    /** Deletes the failed rows of scripts run outside a transaction found in {@code locations}; returns how many. */
    static int retryOutsideATransaction(Connection connection, List<Location> locations, ClassLoader classes)
            throws SQLException {
        if (!historyExists(connection)) {
            return 0;
        }
        int deleted = 0;
        try (PreparedStatement failed = connection.prepareStatement(
                "SELECT installed_rank, version, script FROM flyway_schema_history WHERE NOT success ORDER BY installed_rank");
             ResultSet rows = failed.executeQuery()) {
            while (rows.next()) {
                int rank = rows.getInt(1);
                String version = rows.getString(2);
                String script = rows.getString(3);
                if (ranOutsideATransaction(script, locations, classes)) {
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM flyway_schema_history WHERE installed_rank = ? AND NOT success")) {
                        delete.setInt(1, rank);
                        deleted += delete.executeUpdate();
                    }
                    LOG.warn("Migration V{} ({}) failed at an earlier start, outside a transaction; its failed history "
                            + "row is removed and Flyway runs it again (it drops what the failed run left first)",
                            version, script);
                } else {
                    LOG.error("Migration V{} ({}) failed at an earlier start and ran in a transaction: Flyway refuses "
                            + "the start until the schema and its history are mended by hand (docs/deploy.md, "
                            + "\"Migrations\")", version, script);
                }
            }
        }
        return deleted;
    }

    private static boolean historyExists(Connection connection) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass('flyway_schema_history') IS NOT NULL");
             ResultSet found = exists.executeQuery()) {
            return found.next() && found.getBoolean(1);
        }
    }

    /** The script's {@code .sql.conf}, in the first location holding one, says {@code executeInTransaction=false}. */
    static boolean ranOutsideATransaction(String script, List<Location> locations, ClassLoader classes) {
        if (script == null) {
            return false;
        }
        for (Location location : locations) {
            String conf = location.getPath() + "/" + script + ".conf";
            try {
                Properties settings = new Properties();
                if (location.isClassPath()) {
                    try (InputStream in = classes.getResourceAsStream(conf)) {
                        if (in == null) {
                            continue;
                        }
                        settings.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                } else if (location.isFileSystem() && Files.isRegularFile(Path.of(conf))) {
                    try (Reader in = Files.newBufferedReader(Path.of(conf), StandardCharsets.UTF_8)) {
                        settings.load(in);
                    }
                } else {
                    continue;
                }
                return "false".equalsIgnoreCase(settings.getProperty("executeInTransaction", "").strip());
            } catch (IOException e) {
                LOG.info("Could not read {} ({})", conf, e.toString());
                return false;
            }
        }
        return false;
    }
}
