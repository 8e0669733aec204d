package org.vpsrecovery.adapters.persistence;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ChainHeadRowRepository extends GenericRepository<ChainHeadRow, Short> {

    Optional<ChainHeadRow> findById(Short id);

    /**
     * As {@link #findById}, once the WAL is on disk past every commit this read can see: the head it returns is
     * durable. A batch without deliveries is visible from its commit, before its writer's flush (ADR 0102); a head
     * signed outside the database must not be one a crash could take back.
     */
    @Query("""
            SELECT h.id, h.last_sequence, h.last_hash
            FROM audit_chain_head h, (SELECT CASE WHEN current_setting('synchronous_commit') <> 'off'
                THEN pg_logical_emit_message(false, 'vpsr.audit', ''::text, true) END) AS flushed
            WHERE h.id = :id""")
    Optional<ChainHeadRow> findDurableById(Short id);
}
