package org.vpsrecovery.domain.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What retention says of one point: kept, with every reason that keeps it (the bucket it is the
 * newest of, for the calendar rules), or dropped, with why.
 */
public record RetentionVerdict(RetentionCandidate candidate, List<KeptBy> keptBy, Optional<String> dropReason) {

    /** One reason a point is kept; {@code bucket} names the calendar period for the calendar rules. */
    public record KeptBy(KeepReason reason, Optional<String> bucket) {
        public KeptBy {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(bucket, "bucket");
        }

        static KeptBy of(KeepReason reason) {
            return new KeptBy(reason, Optional.empty());
        }
    }

    public RetentionVerdict {
        Objects.requireNonNull(candidate, "candidate");
        keptBy = List.copyOf(keptBy);
        Objects.requireNonNull(dropReason, "drop reason");
        if (keptBy.isEmpty() == dropReason.isEmpty()) {
            throw new IllegalArgumentException("a point is either kept, with reasons, or dropped, with a reason");
        }
    }

    public boolean keep() {
        return !keptBy.isEmpty();
    }

    public boolean keptFor(KeepReason reason) {
        return keptBy.stream().anyMatch(k -> k.reason() == reason);
    }
}
