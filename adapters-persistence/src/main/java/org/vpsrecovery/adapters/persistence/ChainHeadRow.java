package org.vpsrecovery.adapters.persistence;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** The one row of {@code audit_chain_head} (migration V1) as read; moved only by {@link ChainedAuditWriter}. */
@MappedEntity("audit_chain_head")
public record ChainHeadRow(@Id Short id, long lastSequence, byte[] lastHash) {

    /** The row's only id (a CHECK holds it to 1). */
    static final short ID = 1;
}
