package org.vpsrecovery.domain.policy;

import java.util.Objects;

/**
 * One version of one policy: what a point deleted by a policy's rotation or retention names in its events, so an
 * auditor can tell which rules deleted it after the policy was edited (ADR 0028, amended in session 49).
 */
public record PolicyVersion(PolicyId policy, long version) {

    public PolicyVersion {
        Objects.requireNonNull(policy, "policy");
        if (version < 1) {
            throw new IllegalArgumentException("a policy's first version is 1");
        }
    }
}
