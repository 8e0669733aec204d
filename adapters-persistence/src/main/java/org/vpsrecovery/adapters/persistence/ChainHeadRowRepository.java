package org.vpsrecovery.adapters.persistence;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ChainHeadRowRepository extends GenericRepository<ChainHeadRow, Short> {

    Optional<ChainHeadRow> findById(Short id);
}
