package org.vpsrecovery.adapters.persistence.policy;

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
public interface PolicyRowRepository extends GenericRepository<PolicyRow, UUID> {

    PolicyRow save(PolicyRow row);

    Optional<PolicyRow> findByIdAndTeam(UUID id, String team);

    long countByTeam(String team);

    /** Oldest first; after the policy {@code afterId} when given (keyset: created_at, then id). */
    @Query("""
            SELECT * FROM recovery_policy p
            WHERE p.team = :team
              AND (CAST(:afterId AS uuid) IS NULL OR (p.created_at, p.id) > (
                    SELECT a.created_at, a.id FROM recovery_policy a WHERE a.id = :afterId AND a.team = :team))
            ORDER BY p.created_at, p.id LIMIT :limit""")
    List<PolicyRow> page(String team, @Nullable UUID afterId, int limit);

    /** Optimistic: writes only over the version the caller read. */
    @Query("""
            UPDATE recovery_policy SET all_servers = :allServers, server_ids = :serverIds, kind = :kind, cron = :cron,
                time_zone = :timeZone, name_template = :nameTemplate, keep_last = :keepLast,
                keep_within_seconds = :keepWithinSeconds, keep_daily = :keepDaily, keep_weekly = :keepWeekly,
                keep_monthly = :keepMonthly, keep_yearly = :keepYearly, include_person_made = :includePersonMade,
                version = :version, updated_at = :updatedAt
            WHERE id = :id AND team = :team AND version = :expectedVersion""")
    long updateOverVersion(UUID id, String team, boolean allServers, String serverIds, String kind, String cron,
                           String timeZone, String nameTemplate, int keepLast, long keepWithinSeconds, int keepDaily,
                           int keepWeekly, int keepMonthly, int keepYearly, boolean includePersonMade, long version,
                           Instant updatedAt, long expectedVersion);

    @Query("DELETE FROM recovery_policy WHERE id = :id AND team = :team AND version = :version")
    long deleteOverVersion(UUID id, String team, long version);
}
