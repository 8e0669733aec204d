package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.AuditCountDeltas;

/** V52's {@code audit_count_fold()}: one statement, so one transaction, at READ COMMITTED (ADR 0119). */
public final class JdbcAuditCountDeltas implements AuditCountDeltas {

    private final DataSource dataSource;

    public JdbcAuditCountDeltas(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
    }

    @Override
    public long fold() {
        try (Connection connection = dataSource.getConnection()) {
            // A second fold's DELETE passes over the rows the first moved only at READ COMMITTED (REPEATABLE READ
            // would fail it); the pool's default, said here so that a changed default cannot break it.
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            connection.setAutoCommit(true);
            try (PreparedStatement fold = connection.prepareStatement("SELECT audit_count_fold()");
                 ResultSet rs = fold.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new DatabaseFailure("could not fold the audit count deltas: " + e.getMessage(), e);
        }
    }
}
