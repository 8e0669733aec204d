package org.vpsrecovery.domain.testing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.port.RecoveryPolicies;

/** Policies passing every call on to another store: a test overrides the calls it bends (a race, a lost commit). */
public class ForwardingRecoveryPolicies implements RecoveryPolicies {

    private final RecoveryPolicies policies;

    public ForwardingRecoveryPolicies(RecoveryPolicies policies) {
        this.policies = Objects.requireNonNull(policies, "policies");
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
        return policies.update(from, next);
    }

    @Override
    public boolean remove(RecoveryPolicy at) {
        return policies.remove(at);
    }
}
