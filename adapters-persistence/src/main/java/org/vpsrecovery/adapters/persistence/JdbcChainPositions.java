package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * Reads where the audit chain stands in PostgreSQL: the {@code audit_chain_head} row, and stored
 * hashes by primary key. Read-only, apart from {@link JdbcAuditHistory}'s write path on purpose.
 */
public final class JdbcChainPositions implements ChainPositions {

    private final DataSource dataSource;

    public JdbcChainPositions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
    }

    @Override
    public ChainPosition head() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement head = connection.prepareStatement(
                     "SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1");
             ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new DatabaseFailure("the audit chain head row is missing; was migration V1 applied?", null);
            }
            return new ChainPosition(rs.getLong(1), ChainHash.of(rs.getBytes(2)));
        } catch (SQLException e) {
            throw new DatabaseFailure("could not read the audit chain head: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<Long, ChainHash> hashesAt(Collection<Long> sequences) {
        Objects.requireNonNull(sequences, "sequences");
        ChainPositions.requireLookupSize(sequences);
        Map<Long, ChainHash> found = new HashMap<>();
        if (sequences.isEmpty()) {
            return found;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT sequence, hash FROM audit_event WHERE sequence = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("bigint", sequences.toArray(Long[]::new)));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getLong(1), ChainHash.of(rs.getBytes(2)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new DatabaseFailure("could not read audit chain hashes: " + e.getMessage(), e);
        }
    }
}
