package org.vpsrecovery.adapters.persistence.drift;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DriftRowRepository extends GenericRepository<DriftRow, Long> {

    /** Writes a new drift unless the team has one of that kind on the point already (then 0 rows). */
    @Query("""
            INSERT INTO recovery_point_drift (team, server_id, resource_type, resource_id, kind, detected_at, seen)
            VALUES (:team, :serverId, :resourceType, :resourceId, :kind, :detectedAt, :seen)
            ON CONFLICT ON CONSTRAINT recovery_point_drift_once DO NOTHING""")
    long insertOnce(String team, long serverId, String resourceType, long resourceId, String kind, Instant detectedAt,
                    String seen);

    Optional<DriftRow> findByTeamAndResourceTypeAndResourceIdAndKind(String team, String resourceType, long resourceId,
                                                                     String kind);

    /** Writes a resolution over an open drift only. */
    @Query("""
            UPDATE recovery_point_drift SET resolved_at = :resolvedAt, resolution = :resolution
            WHERE id = :id AND resolved_at IS NULL""")
    long resolveOpen(long id, Instant resolvedAt, String resolution);

    @Query("SELECT * FROM recovery_point_drift WHERE server_id = :serverId ORDER BY id")
    List<DriftRow> onServer(long serverId);

    /** Newest first, below {@code beforeId} when given; each filter applies when given. */
    @Query("""
            SELECT * FROM recovery_point_drift
            WHERE (CAST(:team AS text) IS NULL OR team = :team)
              AND (CAST(:serverId AS bigint) IS NULL OR server_id = :serverId)
              AND (CAST(:kind AS text) IS NULL OR kind = :kind)
              AND (CAST(:since AS timestamptz) IS NULL OR detected_at >= :since)
              AND (CAST(:beforeId AS bigint) IS NULL OR id < :beforeId)
            ORDER BY id DESC LIMIT :limit""")
    List<DriftRow> page(@Nullable String team, @Nullable Long serverId, @Nullable String kind, @Nullable Instant since,
                        @Nullable Long beforeId, int limit);
}
