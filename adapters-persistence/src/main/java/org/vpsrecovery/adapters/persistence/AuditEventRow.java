package org.vpsrecovery.adapters.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * One row of {@code audit_event} (migrations V1, V5, V8) as read; mapped to the domain in
 * {@link AuditEventRows} only. Never written through Micronaut Data: the chained insert is
 * {@link ChainedAuditWriter}'s. {@code detail} is the jsonb object's text.
 *
 * <p>Every column but the sequence may be read as null: the schema owner can drop a NOT NULL, and Micronaut Data
 * refuses a null for a non-null argument with an untyped failure that names no row. Read as null, the row reaches
 * {@link AuditEventRows}, which names it ({@code AuditEventAltered}, ADR 0005, amended in session 40).
 */
@MappedEntity("audit_event")
public record AuditEventRow(@Id Long sequence, @Nullable Instant occurredAt, @Nullable String team,
                            @Nullable String requestId, @Nullable String operation,
                            @Nullable Long serverId, @Nullable String resourceType, @Nullable Long resourceId,
                            @Nullable String outcomeKind, @Nullable String outcomeReason, @Nullable String outcomeCause,
                            @Nullable Short providerStatus, @Nullable String detail, @Nullable byte[] previousHash,
                            @Nullable byte[] hash) {
}
