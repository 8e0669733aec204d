package org.vpsrecovery.domain.policy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.vpsrecovery.domain.common.TeamId;

/** A team's recovery policy at one version; every change makes the next version. */
public record RecoveryPolicy(PolicyId id, TeamId team, PolicySpec spec, long version, Instant createdAt,
                             Instant updatedAt) {

    public RecoveryPolicy {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(createdAt, "created at");
        Objects.requireNonNull(updatedAt, "updated at");
        // Kept as a database keeps them (microseconds), so an answer and a later read agree.
        createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
        updatedAt = updatedAt.truncatedTo(ChronoUnit.MICROS);
        if (version < 1) {
            throw new IllegalArgumentException("a policy's first version is 1");
        }
    }

    public static RecoveryPolicy created(PolicyId id, TeamId team, PolicySpec spec, Instant at) {
        return new RecoveryPolicy(id, team, spec, 1, at, at);
    }

    /**
     * Who made a point, as retention must know: this policy when its name (a backup's description)
     * is one the policy's template renders, a person otherwise.
     */
    public RetentionCandidate.Maker makerOf(String label) {
        return spec.nameTemplate().matches(label) ? RetentionCandidate.Maker.POLICY : RetentionCandidate.Maker.PERSON;
    }

    /** The next version, with {@code next} as its spec. */
    public RecoveryPolicy replacedBy(PolicySpec next, Instant at) {
        return new RecoveryPolicy(id, team, next, version + 1, createdAt, at);
    }
}
