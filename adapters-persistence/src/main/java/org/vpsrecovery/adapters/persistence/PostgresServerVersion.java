package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * The PostgreSQL server a database runs on, as it reports itself: {@code server_version_num} and {@code server_version}.
 * vps-recovery needs 17 or newer: the audit's wait for the WAL's flush is {@code pg_logical_emit_message}'s fourth
 * argument, 17's; on 15 or 16 every append that waits for it is committed, then fails (ADR 0102, amended in sessions 42
 * and 43). Migration V64 states the same rule for the schema's first start under this release.
 */
record PostgresServerVersion(int number, String name) {

    /** {@code server_version_num} of PostgreSQL 17.0, the oldest server vps-recovery runs on. */
    static final int OLDEST_SUPPORTED = 170000;

    PostgresServerVersion {
        Objects.requireNonNull(name, "name");
        if (number <= 0 || name.isBlank()) {
            throw new IllegalArgumentException("a server version is a positive number and a name, was " + number
                    + " \"" + name + "\"");
        }
    }

    /** The version the server behind {@code connection} reports, read as V64 reads it. */
    static PostgresServerVersion of(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
            rs.next();
            return new PostgresServerVersion(rs.getInt(1), rs.getString(2));
        }
    }

    /**
     * Nothing when this server is {@code oldestSupported} or newer; otherwise {@link PostgresServerTooOld}, in V64's
     * words.
     */
    void requireAtLeast(int oldestSupported) {
        if (number < oldestSupported) {
            throw new PostgresServerTooOld(name);
        }
    }
}
