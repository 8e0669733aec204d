package org.vpsrecovery.adapters.persistence.hold;

import io.micronaut.core.annotation.Nullable;
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

    /** Newest first; after the hold {@code afterId} when given (keyset: placed_at, then id, both descending). */
    @Query("""
            SELECT * FROM recovery_point_hold h WHERE h.resource_type = :resourceType AND h.resource_id = :resourceId
              AND (CAST(:afterId AS uuid) IS NULL OR (h.placed_at, h.id) < (
                    SELECT a.placed_at, a.id FROM recovery_point_hold a WHERE a.id = :afterId))
            ORDER BY h.placed_at DESC, h.id DESC LIMIT :limit""")
    List<HoldRow> pageOnPoint(String resourceType, long resourceId, @Nullable UUID afterId, int limit);

    /** Bounded by the active holds a point may have (HoldLimits). */
    @Query("""
            SELECT * FROM recovery_point_hold
            WHERE released_at IS NULL AND resource_type = :resourceType AND resource_id = :resourceId
            ORDER BY placed_at DESC, id DESC""")
    List<HoldRow> activeOnPoint(String resourceType, long resourceId);

    /** On the servers a team owns now, whoever the holds were placed for (ADR 0029, amended in sessions 48 and 49). */
    @Query("""
            SELECT count(*) FROM recovery_point_hold
            WHERE released_at IS NULL AND kind = :kind AND server_id = ANY(:serverIds)""")
    long countActiveOn(String kind, Long[] serverIds);

    @Query("""
            SELECT * FROM recovery_point_hold
            WHERE released_at IS NULL AND resource_type = :resourceType AND resource_id = ANY(:resourceIds)""")
    List<HoldRow> activeAmong(String resourceType, Long[] resourceIds);
}
