package org.vpsrecovery.domain.hold;

import java.util.Locale;

/** A team's own hold, or a legal hold placed by an auditor, which only auditors release. */
public enum HoldKind {
    TEAM,
    LEGAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
