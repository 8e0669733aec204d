package org.vpsrecovery.adapters.http.facade;

import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.testing.ForwardingRecoveryPolicies;

/** The in-memory policies, whose next update can be made to write and then lose its answer, as a dropped commit does. */
final class AnswerLosingRecoveryPolicies extends ForwardingRecoveryPolicies {

    private final RecoveryPolicies policies;
    volatile RuntimeException nextUpdateWrittenThenFails;
    /** The next update's refusal before anything is written (the store's PlatformUnavailable: nothing done). */
    volatile RuntimeException nextUpdateRefusedUnwritten;

    AnswerLosingRecoveryPolicies(RecoveryPolicies policies) {
        super(policies);
        this.policies = policies;
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
}
