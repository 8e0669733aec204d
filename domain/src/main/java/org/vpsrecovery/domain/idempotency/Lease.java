package org.vpsrecovery.domain.idempotency;

import java.time.Instant;
import java.util.Objects;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * Who holds an in-flight key and until when: the attempt's own operation id (the {@code attempt_id}
 * of its audit events, so a taker can tell whether the holder reached VPS.org) and the end of its
 * lease. A holder that neither completes nor releases the key by then is taken to have died.
 */
public record Lease(OperationId holder, Instant until) {

    public Lease {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(until, "until");
    }
}
