package org.vpsrecovery.domain.approval;

import java.util.Locale;
import java.util.Optional;

/** What the second person decided (ADR 0040). */
public enum Verdict {
    APPROVE, DENY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Verdict> fromWire(String name) {
        for (Verdict verdict : values()) {
            if (verdict.wireName().equals(name)) {
                return Optional.of(verdict);
            }
        }
        return Optional.empty();
    }
}
