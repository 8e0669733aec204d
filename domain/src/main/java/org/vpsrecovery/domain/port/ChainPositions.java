package org.vpsrecovery.domain.port;

import java.util.Collection;
import java.util.Map;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainPosition;

/** Where the audit chain stands, as stored: read side only, for taking and checking checkpoints. */
public interface ChainPositions {

    /** At most this many sequences per {@link #hashesAt} call. */
    int MAX_LOOKUP = 1000;

    /** The chain head as stored: the last sequence and its hash ({@link ChainPosition#EMPTY} for no event). */
    ChainPosition head();

    /**
     * The hashes stored for these sequences; a sequence with no stored event is absent from the answer.
     * At most {@value #MAX_LOOKUP} sequences.
     */
    Map<Long, ChainHash> hashesAt(Collection<Long> sequences);

    static void requireLookupSize(Collection<Long> sequences) {
        if (sequences.size() > MAX_LOOKUP) {
            throw new IllegalArgumentException("at most " + MAX_LOOKUP + " sequences per lookup");
        }
    }
}
