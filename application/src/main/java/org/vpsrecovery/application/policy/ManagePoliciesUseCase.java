package org.vpsrecovery.application.policy;

import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.common.KeysetPage;
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

    /**
     * Oldest first, at most {@code limit} (1-{@value org.vpsrecovery.domain.port.RecoveryPolicies#MAX_PAGE}) created
     * after {@code after} when given; the page's {@code next} is empty on the last page (a cursor whose policy is gone
     * is {@code POLICY_NOT_FOUND}).
     */
    KeysetPage<RecoveryPolicy, PolicyId> list(TeamId team, Optional<PolicyId> after, int limit);

    RecoveryPolicy get(TeamId team, PolicyId id);

    /** {@code expectedVersion} is required ({@code POLICY_VERSION_REQUIRED} without it). */
    RecoveryPolicy update(CallContext context, PolicyId id, OptionalLong expectedVersion, PolicySpec spec);

    /** Without {@code expectedVersion}, whatever version is stored is deleted. */
    void delete(CallContext context, PolicyId id, OptionalLong expectedVersion);
}
