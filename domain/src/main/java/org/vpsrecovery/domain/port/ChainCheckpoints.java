package org.vpsrecovery.domain.port;

import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.StoredCheckpoint;

/**
 * Signed checkpoints of the audit chain, kept where whoever owns the database cannot rewrite them
 * (ADR 0022). Append-only, like the history they witness, and linked: each follows the one stored
 * before it ({@link ChainCheckpoint#previous()}).
 */
public interface ChainCheckpoints {

    /**
     * Appends the checkpoint {@code next} makes from the latest one stored (empty: none yet), durably
     * and with nothing appended in between, even by another process sharing the store. {@code next}
     * may decline (empty) and nothing is appended. Returns what was appended.
     *
     * @throws IllegalArgumentException if the checkpoint made does not follow the latest one stored
     */
    Optional<ChainCheckpoint> append(Function<Optional<ChainCheckpoint>, Optional<ChainCheckpoint>> next);

    /** The readable checkpoint stored last, if any. */
    Optional<ChainCheckpoint> latest();

    /**
     * Every entry stored, in the order appended, damaged ones included so that verification can report
     * them. A write torn by a crash is not an entry. The caller closes the stream.
     */
    Stream<StoredCheckpoint> readAll();

    /** The guard every store applies to what {@code next} made. */
    static ChainCheckpoint requireFollows(ChainCheckpoint made, Optional<ChainCheckpoint> latest) {
        if (!made.previous().equals(ChainCheckpoint.digestOf(latest))) {
            throw new IllegalArgumentException("a checkpoint must follow the latest one stored");
        }
        return made;
    }
}
