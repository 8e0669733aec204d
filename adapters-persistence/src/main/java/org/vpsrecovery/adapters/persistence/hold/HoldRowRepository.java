package org.vpsrecovery.adapters.persistence.hold;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface HoldRowRepository extends GenericRepository<HoldRow, UUID> {

    HoldRow save(HoldRow row);

    Optional<HoldRow> findById(UUID id);

    /** Writes a release over an active hold only. */
    @Query("""
            UPDATE recovery_point_hold SET released_by = :releasedBy, released_at = :releasedAt
            WHERE id = :id AND released_at IS NULL""")
    long releaseActive(UUID id, String releasedBy, Instant releasedAt);

    @Query("""
            SELECT * FROM recovery_point_hold WHERE resource_type = :resourceType AND resource_id = :resourceId
            ORDER BY placed_at DESC, id""")
    List<HoldRow> onPoint(String resourceType, long resourceId);

    @Query("""
            SELECT * FROM recovery_point_hold
            WHERE released_at IS NULL AND resource_type = :resourceType AND resource_id = ANY(:resourceIds)""")
    List<HoldRow> activeAmong(String resourceType, Long[] resourceIds);
}
