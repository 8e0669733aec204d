package org.vpsrecovery.adapters.http.facade;

import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.port.RecoveryPolicies;

/** The in-memory policies, whose next update can be made to write and then lose its answer, as a dropped commit does. */
final class AnswerLosingRecoveryPolicies implements RecoveryPolicies {

    private final RecoveryPolicies policies;
    volatile RuntimeException nextUpdateWrittenThenFails;
    /** The next update's refusal before anything is written (the store's PlatformUnavailable: nothing done). */
    volatile RuntimeException nextUpdateRefusedUnwritten;

    AnswerLosingRecoveryPolicies(RecoveryPolicies policies) {
        this.policies = policies;
    }

    @Override
    public void add(RecoveryPolicy policy) {
        policies.add(policy);
    }

    @Override
    public boolean addWithin(RecoveryPolicy policy, int teamLimit) {
        return policies.addWithin(policy, teamLimit);
    }

    @Override
    public Optional<RecoveryPolicy> find(TeamId team, PolicyId id) {
        return policies.find(team, id);
    }

    @Override
    public List<RecoveryPolicy> list(TeamId team, Optional<PolicyId> after, int limit) {
        return policies.list(team, after, limit);
    }

    @Override
    public int count(TeamId team) {
        return policies.count(team);
    }

    @Override
    public boolean update(RecoveryPolicy from, RecoveryPolicy next) {
        RuntimeException refused = nextUpdateRefusedUnwritten;
        if (refused != null) {
            nextUpdateRefusedUnwritten = null;
            throw refused;
        }
        boolean written = policies.update(from, next);
        RuntimeException lost = nextUpdateWrittenThenFails;
        if (lost != null) {
            nextUpdateWrittenThenFails = null;
            throw lost;
        }
        return written;
    }

    @Override
    public boolean remove(RecoveryPolicy at) {
        return policies.remove(at);
    }
}
