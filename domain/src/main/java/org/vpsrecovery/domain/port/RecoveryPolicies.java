package org.vpsrecovery.domain.port;

import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.RecoveryPolicy;

/** The teams' recovery policies. Reads are scoped to a team: another team's policy is not found. */
public interface RecoveryPolicies {

    int MAX_PAGE = 500;

    /** Stores a new policy (version 1), whatever the team's count (tests and fixtures; a team's create uses {@link #addWithin}). */
    void add(RecoveryPolicy policy);

    /**
     * Stores a new policy (version 1) only while its team has fewer than {@code teamLimit}; false, nothing stored,
     * otherwise. Counted and written as one step for every caller (threads and instances alike), so concurrent creates
     * never pass the limit.
     */
    boolean addWithin(RecoveryPolicy policy, int teamLimit);

    Optional<RecoveryPolicy> find(TeamId team, PolicyId id);

    /**
     * Oldest first, at most {@code limit} (1-{@value #MAX_PAGE}) of those created after {@code after}, when given. An
     * {@code after} that is not the team's stored policy (deleted, another team's) pages from nowhere: an empty page,
     * never a page from the start; the caller tells that from the end by finding it.
     */
    List<RecoveryPolicy> list(TeamId team, Optional<PolicyId> after, int limit);

    int count(TeamId team);

    /** Stores {@code next} if the stored policy is still at {@code from}'s version; false (nothing written) otherwise. */
    boolean update(RecoveryPolicy from, RecoveryPolicy next);

    /** Removes the policy if it is still at {@code at}'s version; false (nothing removed) otherwise. */
    boolean remove(RecoveryPolicy at);

    static void requirePage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
    }
}
