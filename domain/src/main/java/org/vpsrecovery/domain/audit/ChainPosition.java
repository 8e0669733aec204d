package org.vpsrecovery.domain.audit;

import java.util.Objects;

/** A place in the audit chain: an event's sequence and the chain's hash up to it (0 and genesis: empty). */
public record ChainPosition(long sequence, ChainHash hash) {

    public static final ChainPosition EMPTY = new ChainPosition(0, ChainHash.GENESIS);

    public ChainPosition {
        Objects.requireNonNull(hash, "hash");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
    }

    public boolean isEmpty() {
        return sequence == 0;
    }
}
