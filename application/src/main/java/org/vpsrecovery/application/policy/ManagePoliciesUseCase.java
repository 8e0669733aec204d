package org.vpsrecovery.application.policy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;

/**
 * A team's recovery policies: created, read, replaced and deleted; another team's are not found.
 * Every change makes a new version and an audit event with the diff; a change names the version it
 * changes, and a stale one is refused ({@code POLICY_VERSION_CONFLICT}).
 */
public interface ManagePoliciesUseCase {

    RecoveryPolicy create(CallContext context, PolicySpec spec);

    List<RecoveryPolicy> list(TeamId team, Optional<PolicyId> after, int limit);

    RecoveryPolicy get(TeamId team, PolicyId id);

    /** {@code expectedVersion} is required ({@code POLICY_VERSION_REQUIRED} without it). */
    RecoveryPolicy update(CallContext context, PolicyId id, OptionalLong expectedVersion, PolicySpec spec);

    /** Without {@code expectedVersion}, whatever version is stored is deleted. */
    void delete(CallContext context, PolicyId id, OptionalLong expectedVersion);
}
