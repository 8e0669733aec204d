package org.vpsrecovery.adapters.persistence.webhook;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SubscriptionRowRepository extends GenericRepository<SubscriptionRow, UUID> {

    Optional<SubscriptionRow> findById(UUID id);

    /** A removed subscription (deleted_at set, waiting for the purge) is found by none of these. */
    Optional<SubscriptionRow> findByIdAndTeamAndDeletedAtIsNull(UUID id, String team);

    List<SubscriptionRow> findByTeamAndDeletedAtIsNullOrderByCreatedAt(String team);

    long countByTeamAndDeletedAtIsNull(String team);
}
