package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.api.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, before Flyway migrates, a schema older than the previous release's last migration (ADR 0142, amended in
 * session 56). Each release's migrations are written for the release just before it still serving (expand, then
 * contract): V35/V36 drop a table the V34 release reads, so an upgrade that skips a release breaks whatever instance of
 * the old one still serves. The schema's version is the newest migration its history holds as applied. An empty database
 * (no history, or none applied) is admitted: it is installed, not upgraded. So is any schema when the operator says no
 * instance of an older release runs ({@link #ALLOW_SKIPPING_RELEASES}), with a WARN line. A history that cannot be read
 * refuses nothing here: Flyway then says what is wrong, as before.
 */
public final class UpgradeFromThePreviousRelease {

    /**
     * The previous release's newest migration: raise it with each release to the last migration of the release before
     * it (its main's newest {@code db/migration/V*}). Session 56's release follows session 55's, whose main (2611b7de4)
     * ends at V76.
     */
    public static final String UPGRADES_FROM = "76";

    /** The operator's override (env {@code VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES}). */
    public static final String ALLOW_SKIPPING_RELEASES = "vpsr.migration.allow-skipping-releases";

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeFromThePreviousRelease.class);

    private UpgradeFromThePreviousRelease() {
    }

    /** The override's value, {@code true} or {@code false} only: another word refuses the start, naming the key. */
    static boolean allowSkipping(String raw) {
        return switch (raw.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(ALLOW_SKIPPING_RELEASES + " must be true or false, was " + raw);
        };
    }

    /** Throws {@link SchemaFromBeforeThePreviousRelease} for {@code connection}'s schema older than {@code upgradesFrom}. */
    static void require(Connection connection, String upgradesFrom, boolean allowSkippingReleases) {
        beforeFlywayMigrates(connection, List.of(), upgradesFrom, allowSkippingReleases);
    }

    /**
     * Under Flyway's own lock ({@link FlywaysLockAtStart}, session 56), so that an install or upgrade another instance
     * has under way is waited for and not read half-done: first the failed runs of scripts in {@code locations} that ran
     * outside a transaction are made to run again ({@link FailedMigrationsRetried}), then the schema's version is read;
     * the lock is released before Flyway takes it. Then, as {@link #require}.
     */
    static void beforeFlywayMigrates(Connection connection, List<Location> locations, String upgradesFrom,
            boolean allowSkippingReleases) {
        Optional<String> schema;
        try {
            Optional<Optional<String>> read = FlywaysLockAtStart.whileHeld(connection, underTheLock -> {
                FailedMigrationsRetried.retryOutsideATransaction(underTheLock, locations,
                        UpgradeFromThePreviousRelease.class.getClassLoader());
                return schemaVersion(underTheLock);
            });
            if (read.isEmpty()) {
                LOG.info("Another instance held Flyway's lock past Flyway's own wait; the upgrade's release is not "
                        + "checked, Flyway waits for the lock again");
                return;
            }
            schema = read.get();
        } catch (SQLException | RuntimeException e) {
            LOG.info("Could not read the schema's version to check the upgrade skips no release ({}); not checked",
                    e.toString());
            return;
        }
        if (schema.isEmpty() || BuildMigrations.compareVersions(schema.get(), upgradesFrom) >= 0) {
            return;
        }
        if (allowSkippingReleases) {
            LOG.warn("The database's schema is at V{}, older than V{} that this release upgrades from; migrating anyway "
                    + "({}=true: no instance of an older release may serve meanwhile)", schema.get(), upgradesFrom,
                    ALLOW_SKIPPING_RELEASES);
            return;
        }
        throw new SchemaFromBeforeThePreviousRelease(schema.get(), upgradesFrom);
    }

    /** The newest version the history holds as applied; empty without a history or with none applied. */
    static Optional<String> schemaVersion(Connection connection) throws SQLException {
        // Unqualified, as Flyway finds its table (BuildMigrations): in the connection's current schema.
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass('flyway_schema_history') IS NOT NULL");
             ResultSet found = exists.executeQuery()) {
            if (!found.next() || !found.getBoolean(1)) {
                return Optional.empty();
            }
        }
        Optional<String> newest = Optional.empty();
        try (PreparedStatement history = connection.prepareStatement(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL");
             ResultSet rows = history.executeQuery()) {
            while (rows.next()) {
                String version = rows.getString(1);
                if (newest.isEmpty() || BuildMigrations.compareVersions(version, newest.get()) > 0) {
                    newest = Optional.of(version);
                }
            }
        }
        return newest;
    }
}
