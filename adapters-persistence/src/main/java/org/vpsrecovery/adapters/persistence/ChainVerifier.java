package org.vpsrecovery.adapters.persistence;

import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.ChainWalk;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * Walks the whole stored chain and its head in one read-only REPEATABLE READ snapshot (ADR 0005).
 *
 * <p>Hand-written JDBC on purpose (ADR 0030): the walk is a server-side cursor (fetch size 1000,
 * inside a transaction) over the whole table and the head in one snapshot, so it never sits in
 * memory; a repository would load a list. Rows are still read by Micronaut Data's mapping
 * ({@link JdbcOperations#readEntity}) and turned into events by {@link AuditEventRows}, the one mapping.
 */
final class ChainVerifier {

    private static final int FETCH_SIZE = 1000;

    private final DataSource dataSource;
    private final JdbcOperations rows;

    ChainVerifier(DataSource dataSource, JdbcOperations rows) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    ChainVerification verify() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            // One snapshot for the rows and the head, and a cursor so the table need not fit in memory.
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                ChainVerification result = walk(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                ChainedAuditWriter.rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException e) {
            throw new DatabaseFailure("could not verify the audit chain: " + e.getMessage(), e);
        }
    }

    private ChainVerification walk(Connection connection) throws SQLException {
        ChainWalk walk = new ChainWalk();
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM audit_event ORDER BY sequence")) {
            select.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long sequence = rs.getLong("sequence");
                    RecordedAuditEvent recorded;
                    ChainHash previous;
                    ChainHash hash;
                    try {
                        AuditEventRow row = rows.readEntity(rs, AuditEventRow.class);
                        recorded = AuditEventRows.toRecorded(row);
                        previous = ChainHash.of(row.previousHash());
                        hash = ChainHash.of(row.hash());
                    } catch (IllegalArgumentException | DataAccessException e) {
                        return walk.unreadable(sequence, e.getMessage());
                    }
                    Optional<ChainVerification.Broken> broken = walk.next(sequence, recorded.event(), previous, hash);
                    if (broken.isPresent()) {
                        return broken.get();
                    }
                }
            }
        }
        try (PreparedStatement head = connection.prepareStatement(
                "SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1");
             ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the audit chain head row is missing");
            }
            return walk.finish(rs.getLong(1), ChainHash.of(rs.getBytes(2)));
        }
    }
}
