package org.vpsrecovery.application.policy;

import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.policy.PolicyId;

/** A policy's plan: read from VPS.org's real state, changing nothing; audited as a plan. */
public interface PlanPolicyUseCase {

    int MAX_RUNS = 50;

    /** {@code runs}: how many next runs to show, 1-{@value #MAX_RUNS}. */
    PolicyPlan plan(CallContext context, PolicyId id, int runs);
}
