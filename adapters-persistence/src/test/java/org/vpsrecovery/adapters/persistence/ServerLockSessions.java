package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The database's sessions on {@link PgServerLock}'s advisory lock for one server, as pg_locks shows them: only the
 * database knows which session holds the lock and which waits for it.
 */
final class ServerLockSessions {

    private ServerLockSessions() {
    }

    /** Sessions holding the server's lock (granted). */
    static long holding(DataSource dataSource, ServerId server) throws SQLException {
        return count(dataSource, server, "granted");
    }

    /** Sessions waiting in PostgreSQL for the server's lock: asked for and not granted. */
    static long waiting(DataSource dataSource, ServerId server) throws SQLException {
        return count(dataSource, server, "NOT granted");
    }

    private static long count(DataSource dataSource, ServerId server, String grantedOrNot) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM pg_locks "
                     + "WHERE locktype = 'advisory' AND " + grantedOrNot + " AND classid = ? AND objid = ? AND objsubid = 2")) {
            count.setLong(1, PgServerLock.NAMESPACE);
            count.setLong(2, Integer.toUnsignedLong(PgServerLock.lockKey(server)));
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
