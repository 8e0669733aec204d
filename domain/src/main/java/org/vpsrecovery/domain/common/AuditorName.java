package org.vpsrecovery.domain.common;

import java.util.Objects;

/** An auditor, by the name the operator gave it (the same rule as a team's id, e.g. {@code compliance}). */
public record AuditorName(String value) {

    public AuditorName {
        Objects.requireNonNull(value, "auditor name");
        if (!Slug.matches(value)) {
            throw new IllegalArgumentException("auditor name must be " + Slug.RULE);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
