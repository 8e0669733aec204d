package org.vpsrecovery.adapters.persistence;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ChainHeadRowRepository extends GenericRepository<ChainHeadRow, Short> {

    /**
     * A WAL message whose writing returns once the log is on disk up to it, so past every commit before it (PostgreSQL
     * 17's flush argument; no row, no lock, no transaction id): the audit's wait for a flush (ADR 0102).
     */
    String WAL_FLUSHED_TO_HERE = "pg_logical_emit_message(false, 'vpsr.audit', ''::text, true)";

    Optional<ChainHeadRow> findById(Short id);

    /**
     * As {@link #findById}, once the WAL is on disk past every commit this read can see: the head it returns is
     * durable. A batch without deliveries is visible from its commit, before its writer's flush (ADR 0102); a head
     * signed outside the database must not be one a crash could take back.
     */
    @Query("SELECT h.id, h.last_sequence, h.last_hash FROM audit_chain_head h,"
            + " (SELECT CASE WHEN current_setting('synchronous_commit') <> 'off' THEN " + WAL_FLUSHED_TO_HERE
            + " END) AS flushed WHERE h.id = :id")
    Optional<ChainHeadRow> findDurableById(Short id);
}
