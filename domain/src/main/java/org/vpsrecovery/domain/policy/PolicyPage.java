package org.vpsrecovery.domain.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a team's policies, oldest first; {@code next} is the last one's id when more may follow, empty on the
 * last page, so a page that is exactly full at the end never points to an empty one.
 */
public record PolicyPage(List<RecoveryPolicy> policies, Optional<PolicyId> next) {

    public PolicyPage {
        policies = List.copyOf(Objects.requireNonNull(policies, "policies"));
        Objects.requireNonNull(next, "next");
        if (next.isPresent() && (policies.isEmpty() || !next.get().equals(policies.getLast().id()))) {
            throw new IllegalArgumentException("the cursor is the last policy's id");
        }
    }

    /** The page of at most {@code limit} read as {@code limit + 1} (the extra one says "more"). */
    public static PolicyPage of(List<RecoveryPolicy> readOneMore, int limit) {
        if (readOneMore.size() > limit) {
            List<RecoveryPolicy> page = readOneMore.subList(0, limit);
            return new PolicyPage(page, Optional.of(page.getLast().id()));
        }
        return new PolicyPage(readOneMore, Optional.empty());
    }
}
