package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
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

    /**
     * The version the server behind {@code connection} reported when the connection was opened, without a round trip
     * (ADR 0102, amended in session 44): the server sends {@code server_version} in its start-up parameters, and
     * PgJDBC answers the metadata's versions from it (its major and minor as {@code server_version}'s first two
     * numbers: "17beta1" is 17 and 0, "16.4 (Debian 16.4-1.pgdg120+1)" 16 and 4). The number is then
     * {@code server_version_num}'s, as V64 reads it, for every server from 10 on; of a 9.x its patch is left out, which
     * no comparison with 17 needs.
     */
    static PostgresServerVersion of(Connection connection) throws SQLException {
        DatabaseMetaData server = connection.getMetaData();
        return reported(server.getDatabaseMajorVersion(), server.getDatabaseMinorVersion(),
                server.getDatabaseProductVersion());
    }

    /** From a server's major and minor version and its {@code server_version}, as {@link #of} reads them. */
    static PostgresServerVersion reported(int major, int minor, String name) {
        // server_version_num is major * 10000 + minor from 10 on, (major * 100 + minor) * 100 + patch before.
        return new PostgresServerVersion(major >= 10 ? major * 10000 + minor : (major * 100 + minor) * 100, name);
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
