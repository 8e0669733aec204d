package org.vpsrecovery.domain.policy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.server.ServerId;
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

    /** How a run's request id begins; the policy's id, the server and the cron time follow. */
    public static final String RUN_REQUEST_PREFIX = "policy-run:";

    public static RecoveryPolicy created(PolicyId id, TeamId team, PolicySpec spec, Instant at) {
        return new RecoveryPolicy(id, team, spec, 1, at, at);
    }

    /**
     * Who made a point, as retention must know. {@code madeFor} is the request id of the platform's create
     * that made it, where one is recorded: this policy's run ({@link #runRequest}) or anyone else. Only a
     * point with no recorded create (made before runs were recorded, or outside the platform) is judged by
     * its name (a backup's description): the policy's when the template renders it.
     */
    public RetentionCandidate.Maker makerOf(String label, Optional<RequestId> madeFor) {
        if (madeFor.isPresent()) {
            return madeFor.get().value().startsWith(RUN_REQUEST_PREFIX + id.value() + ":")
                    ? RetentionCandidate.Maker.POLICY : RetentionCandidate.Maker.PERSON;
        }
        return spec.nameTemplate().matches(label) ? RetentionCandidate.Maker.POLICY : RetentionCandidate.Maker.PERSON;
    }

    /** The request id of this policy's run on {@code server} for the cron time {@code scheduledFor}. */
    public RequestId runRequest(ServerId server, Instant scheduledFor) {
        return new RequestId(RUN_REQUEST_PREFIX + id.value() + ":" + server.value() + ":" + scheduledFor.getEpochSecond());
    }

    /** This policy at this version, as the points it deletes name it. */
    public PolicyVersion atVersion() {
        return new PolicyVersion(id, version);
    }

    /** The next version, with {@code next} as its spec. */
    public RecoveryPolicy replacedBy(PolicySpec next, Instant at) {
        return new RecoveryPolicy(id, team, next, version + 1, createdAt, at);
    }
}
