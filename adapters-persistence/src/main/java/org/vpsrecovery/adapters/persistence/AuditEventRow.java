package org.vpsrecovery.adapters.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * One row of {@code audit_event} (migrations V1, V5, V8) as read; mapped to the domain in
 * {@link AuditEventRows} only. Never written through Micronaut Data: the chained insert is
 * {@link ChainedAuditWriter}'s. {@code detail} is the jsonb object's text.
 */
@MappedEntity("audit_event")
public record AuditEventRow(@Id Long sequence, Instant occurredAt, String team, String requestId, String operation,
                            @Nullable Long serverId, @Nullable String resourceType, @Nullable Long resourceId,
                            String outcomeKind, @Nullable String outcomeReason, @Nullable String outcomeCause,
                            @Nullable Short providerStatus, String detail, byte[] previousHash, byte[] hash) {
}
