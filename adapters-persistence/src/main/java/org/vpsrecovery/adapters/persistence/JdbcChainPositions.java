package org.vpsrecovery.adapters.persistence;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * Reads where the audit chain stands in PostgreSQL, through Micronaut Data: the
 * {@code audit_chain_head} row, and stored hashes by primary key. Read-only; the head moves only on
 * {@link ChainedAuditWriter}'s write path.
 */
public final class JdbcChainPositions implements ChainPositions {

    private final ChainHeadRowRepository head;
    private final AuditEventRowRepository events;

    public JdbcChainPositions(ChainHeadRowRepository head, AuditEventRowRepository events) {
        this.head = Objects.requireNonNull(head, "head");
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public ChainPosition head() {
        ChainHeadRow row;
        try {
            // The checkpoint signs this head outside the database: only a durable one (ADR 0102).
            row = head.findDurableById(ChainHeadRow.ID).orElseThrow(() -> new DatabaseFailure(
                    "the audit chain head row is missing; was migration V1 applied?", null));
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read the audit chain head", e);
        }
        return new ChainPosition(row.lastSequence(), ChainHash.of(row.lastHash()));
    }

    @Override
    public Map<Long, ChainHash> hashesAt(Collection<Long> sequences) {
        Objects.requireNonNull(sequences, "sequences");
        ChainPositions.requireLookupSize(sequences);
        Map<Long, ChainHash> found = new HashMap<>();
        if (sequences.isEmpty()) {
            return found;
        }
        List<AuditEventRowRepository.SequenceHash> rows;
        try {
            rows = events.hashesAt(List.copyOf(sequences));
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read audit chain hashes", e);
        }
        rows.forEach(row -> found.put(row.sequence(), ChainHash.of(row.hash())));
        return found;
    }
}
