package org.vpsrecovery.domain.policy;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import org.vpsrecovery.domain.audit.ResourceRef;

/**
 * One recovery point of a server as retention sees it: when it was made, whether it is completed,
 * who made it, and whether a hold is on it (holds are kept elsewhere: this is only the flag).
 */
public record RetentionCandidate(ResourceRef point, Instant createdAt, boolean completed, Maker maker, boolean held) {

    public enum Maker { POLICY, PERSON }

    /** Newest first; equal times by type and then id, highest first, so that every evaluation orders alike. */
    public static final Comparator<RetentionCandidate> NEWEST_FIRST = Comparator
            .comparing(RetentionCandidate::createdAt).reversed()
            .thenComparing(c -> c.point().type(), Comparator.reverseOrder())
            .thenComparing(c -> c.point().id(), Comparator.reverseOrder());

    public RetentionCandidate {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(createdAt, "created at");
        Objects.requireNonNull(maker, "maker");
    }
}
