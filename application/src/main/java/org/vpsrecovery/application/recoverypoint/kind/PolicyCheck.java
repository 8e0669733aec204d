package org.vpsrecovery.application.recoverypoint.kind;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.vpsrecovery.domain.common.Decision;

/** One named domain policy, not yet applied: {@code decide} reads what it needs when asked. */
public record PolicyCheck(Class<?> policy, Supplier<Decision> decide) {

    public PolicyCheck {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(decide, "decide");
    }

    public String name() {
        return policy.getSimpleName();
    }

    /** The checks in order, stopping at the first denial (the later ones are then not read). */
    public static Decision firstRefusal(List<PolicyCheck> checks) {
        Decision decision = Decision.allow();
        for (PolicyCheck check : checks) {
            decision = decision.and(check.decide());
        }
        return decision;
    }
}
