package org.vpsrecovery.domain.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.port.RecoveryPolicies;

/** The policies in memory, with the store's version checks. */
public final class InMemoryRecoveryPolicies implements RecoveryPolicies {

    private final Map<PolicyId, RecoveryPolicy> policies = new LinkedHashMap<>();

    @Override
    public synchronized void add(RecoveryPolicy policy) {
        if (policy.version() != 1 || policies.putIfAbsent(policy.id(), policy) != null) {
            throw new IllegalArgumentException("a new policy, at version 1");
        }
    }

    @Override
    public synchronized boolean addWithin(RecoveryPolicy policy, int teamLimit) {
        if (count(policy.team()) >= teamLimit) {
            return false;
        }
        add(policy);
        return true;
    }

    @Override
    public synchronized Optional<RecoveryPolicy> find(TeamId team, PolicyId id) {
        return Optional.ofNullable(policies.get(id)).filter(p -> p.team().equals(team));
    }

    @Override
    public synchronized List<RecoveryPolicy> list(TeamId team, Optional<PolicyId> after, int limit) {
        RecoveryPolicies.requirePage(limit);
        List<RecoveryPolicy> mine = policies.values().stream().filter(p -> p.team().equals(team))
                .sorted(Comparator.comparing(RecoveryPolicy::createdAt).thenComparing(p -> p.id().value())).toList();
        int from = after.map(id -> {
            for (int i = 0; i < mine.size(); i++) {
                if (mine.get(i).id().equals(id)) {
                    return i + 1;
                }
            }
            return mine.size();
        }).orElse(0);
        return new ArrayList<>(mine.subList(from, Math.min(mine.size(), from + limit)));
    }

    @Override
    public synchronized int count(TeamId team) {
        return (int) policies.values().stream().filter(p -> p.team().equals(team)).count();
    }

    @Override
    public synchronized boolean update(RecoveryPolicy from, RecoveryPolicy next) {
        RecoveryPolicy stored = policies.get(from.id());
        if (stored == null || stored.version() != from.version() || !stored.team().equals(from.team())) {
            return false;
        }
        policies.put(next.id(), next);
        return true;
    }

    @Override
    public synchronized boolean remove(RecoveryPolicy at) {
        RecoveryPolicy stored = policies.get(at.id());
        if (stored == null || stored.version() != at.version() || !stored.team().equals(at.team())) {
            return false;
        }
        policies.remove(at.id());
        return true;
    }
}
