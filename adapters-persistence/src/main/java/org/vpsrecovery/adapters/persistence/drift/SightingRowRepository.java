package org.vpsrecovery.adapters.persistence.drift;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SightingRowRepository extends GenericRepository<SightingRow, Long> {

    @Query("SELECT * FROM automatic_backup_sighting WHERE server_id = :serverId ORDER BY backup_id")
    List<SightingRow> onServer(long serverId);

    @Query("""
            INSERT INTO automatic_backup_sighting (backup_id, server_id, expires_at) VALUES (:backupId, :serverId, :expiresAt)
            ON CONFLICT (backup_id) DO UPDATE SET server_id = EXCLUDED.server_id, expires_at = EXCLUDED.expires_at""")
    long upsert(long backupId, long serverId, @Nullable Instant expiresAt);

    /** Forgets the server's sightings not among {@code kept}. */
    @Query("DELETE FROM automatic_backup_sighting WHERE server_id = :serverId AND NOT (backup_id = ANY(:kept))")
    long forgetOthers(long serverId, Long[] kept);
}
