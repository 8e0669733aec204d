package org.vpsrecovery.adapters.persistence;

/**
 * The database's server is older than PostgreSQL 17 (ADR 0102, amended in session 43): the service does not start. The
 * message is migration V64's, its hint after it.
 */
public final class PostgresServerTooOld extends RuntimeException {

    /** {@code serverVersion}: the server's {@code server_version}, as it reports it. */
    public PostgresServerTooOld(String serverVersion) {
        super("vps-recovery needs PostgreSQL 17 or newer; this server is PostgreSQL " + serverVersion
                + " (upgrade the server (pg_upgrade, or a dump restored into 17), then start vps-recovery again)",
                null, false, false);
    }
}
