package org.vpsrecovery.domain.port;

import java.util.Optional;
import java.util.stream.Stream;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.StoredCheckpoint;

/**
 * Signed checkpoints of the audit chain, kept where whoever owns the database cannot rewrite them
 * (ADR 0022). Append-only, like the history they witness.
 */
public interface ChainCheckpoints {

    /** Stores one checkpoint durably before returning. */
    void record(ChainCheckpoint checkpoint);

    /** The checkpoint recorded last, if any (for deciding whether the head moved since). */
    Optional<ChainCheckpoint> latest();

    /**
     * Every entry stored, in the order recorded, damaged ones included so that verification can report
     * them. A write torn by a crash is not an entry. The caller closes the stream.
     */
    Stream<StoredCheckpoint> readAll();
}
